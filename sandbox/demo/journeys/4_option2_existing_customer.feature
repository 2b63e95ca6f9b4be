Feature: Option 2, existing customer: the customer accepts the agreement from the partner's link
  An Admin agent of a CSP partner emails an existing customer the link to the agreement page of the
  Microsoft 365 admin center; the customer signs in and accepts the Microsoft Customer Agreement.

  Scenario: An existing customer accepts the agreement from the partner's link
    Given a direct-bill partner
    And the sandbox date is 2020-05-05
    And a customer without an agreement
    And the partner's Admin agent is signed in to Partner Center
    When the partner emails the customer the link to the agreement page
    And the customer opens the link from the email
    And the customer signs in to the Microsoft 365 admin center
    Then the customer sees the page to accept the agreement, naming its partner
    When the customer accepts the Microsoft Customer Agreement
    Then the customer sees "You accepted the Microsoft Customer Agreement."
    And the customer sees the partner among its partner relationships
    When the customer opens the partner's details
    Then the partner's details show the agreement accepted on 05/05/2020
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Customer acceptance through Microsoft | Provided |
