@ui
Feature: The partner's integration and the pages work on one sandbox
  As a QA engineer of a CSP partner,
  I want a scenario to call the REST API as our integration does and check the pages people see,
  So that I rehearse the whole journey: what the integration does, Partner Center and the customer show.

  Background:
    Given a direct-bill partner whose clock reads 2020-05-05
    And the partner's integration signs in as the partner's Admin agent

  @option1 @R-API-2 @R-OPT1-GET-1
  Scenario: A confirmation made through the API shows on the customer's account in Partner Center
    Given a customer without an agreement
    And the partner's Admin agent is signed in to Partner Center
    When the partner's integration confirms the customer's acceptance through the API
    Then the API answers 201
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation                   | Provided     |
      | Customer acceptance through Microsoft | Not provided |
    And the partner's Admin agent is shown as the one who confirmed

  @option2 @R-API-5 @R-OPT2-NEW-8 @R-OPT2-NEW-9
  Scenario: A customer created through the API accepts in the admin center, and the API sees it
    When the partner's integration creates a new customer through the API
    And the partner's integration asks whether the customer accepted the agreement directly
    Then the API answers that the customer has not accepted the agreement directly
    When the customer opens the agreement page of the Microsoft 365 admin center
    And the customer signs in with the temporary password and chooses a new one
    And the customer accepts the Microsoft Customer Agreement
    Then the customer sees "You accepted the Microsoft Customer Agreement."
    When the partner's integration asks whether the customer accepted the agreement directly
    Then the API answers that the customer has accepted the agreement directly

  @option2 @R-OPT2-NEW-8
  Scenario: The password the customer chose without a browser is the one it signs in with in the browser
    When the partner's integration creates a new customer through the API
    And the customer accepts the Microsoft Customer Agreement in the Microsoft 365 admin center, without a browser
    And the customer opens the agreement page of the Microsoft 365 admin center
    And the customer signs in to the Microsoft 365 admin center
    Then the customer sees that it accepted the agreement earlier

  @option2 @R-OPT2-NEW-8
  Scenario: The password the customer chose in the browser is the one it signs in with without a browser
    When the partner's integration creates a new customer through the API
    And the customer opens the agreement page of the Microsoft 365 admin center
    And the customer signs in with the temporary password and chooses a new one
    And the customer accepts the Microsoft Customer Agreement in the Microsoft 365 admin center, without a browser
    Then the admin center confirms the acceptance

  @option2 @R-OPT2-NEW-8
  Scenario: A password the customer chose itself is the one it signs in with without a browser
    When the partner's integration creates a new customer through the API
    And the customer opens the agreement page of the Microsoft 365 admin center
    And the customer signs in with the temporary password and chooses "Own-Choice-2020!", confirmed as "Own-Choice-2020!"
    And the customer accepts the Microsoft Customer Agreement in the Microsoft 365 admin center, without a browser
    Then the admin center confirms the acceptance
