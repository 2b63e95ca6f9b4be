Feature: Our integration records that a customer accepted the Microsoft Customer Agreement
  As the developer of a CSP partner's ordering system,
  I want our integration to confirm customers' acceptance through the Partner Center API,
  So that our sales agents see it in Partner Center and can go on selling.

  Background:
    Given a direct-bill partner
    And the sandbox date is 2020-05-05
    And a customer without an agreement

  Scenario: Our integration confirms the customer's acceptance through the API
    When our integration confirms that the customer accepted the agreement on 2020-05-04
    Then the API lists the customer's Microsoft Customer Agreement, accepted on 2020-05-04

  @browser
  Scenario: The partner sees our integration's confirmation in Partner Center
    Given our integration confirmed that the customer accepted the agreement on 2020-05-04
    And the partner's Admin agent is signed in to Partner Center
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation       | Provided   |
      | Agreement acceptance date | 05/04/2020 |
