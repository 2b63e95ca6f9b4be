@ui
Feature: Retrieve the confirmation of acceptance on the customer's Account page
  As a user of a CSP partner,
  I want to see on a customer's account whether its acceptance of the Microsoft Customer Agreement is on record,
  So that I know whether I can sell to the customer.

  Background:
    Given a direct-bill partner
    And the sandbox date is 2020-05-05

  @option1 @R-OPT1-GET-1
  Scenario: An Admin agent reads the partner's confirmation
    Given a customer whose acceptance the partner has confirmed
    And the partner's Admin agent is signed in to Partner Center
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation                   | Provided     |
      | Customer acceptance through Microsoft | Not provided |
    And the agreement section shows a date for "Agreement acceptance date"
    And the partner's Admin agent is shown as the one who confirmed
    And the partner can update the confirmation

  @option1 @R-OPT1-GET-1
  Scenario Outline: A <role> reads the confirmation but cannot change it
    Given a customer whose acceptance the partner has confirmed
    And the partner's <role> is signed in to Partner Center
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation | Provided |
    And the agreement section shows a date for "Agreement acceptance date"
    And the partner cannot update the confirmation

    Examples:
      | role           |
      | Billing admin  |
      | Helpdesk agent |

  @option1 @R-OPT1-GET-1
  Scenario: A customer without an agreement has no confirmation
    Given a customer without an agreement
    And the partner's Admin agent is signed in to Partner Center
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation                   | Not provided |
      | Customer acceptance through Microsoft | Not provided |

  @option2 @R-OPT2-STATUS
  Scenario: The customer's own acceptance in the admin center is shown
    Given a customer who accepted the agreement in the Microsoft 365 admin center
    And the partner's Admin agent is signed in to Partner Center
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation                   | Not provided |
      | Customer acceptance through Microsoft | Provided     |
    And the agreement section shows a date for "Accepted on"

  @option2 @R-OPT2-STATUS @R-OPT2-NEW-6
  Scenario: An invitation the customer has not answered yet is shown
    Given a customer who was invited to accept the agreement in the Microsoft 365 admin center
    And the partner's Admin agent is signed in to Partner Center
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Customer acceptance through Microsoft | Not provided                   |
      | Invitation                            | Sent, waiting for the customer |
