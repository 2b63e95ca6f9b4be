Feature: Option 1, existing customer: the partner confirms the customer's acceptance on its account
  An Admin agent of a CSP partner finds an existing customer and records who at the customer accepted
  the Microsoft Customer Agreement, and when, so that the partner can go on selling to it.

  Scenario: The partner finds the customer and confirms its acceptance
    Given a direct-bill partner
    And the sandbox date is 2020-05-05
    And a customer without an agreement
    And the partner's Admin agent is signed in to Partner Center
    When the partner finds the customer in Customers and opens its account
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation | Not provided |
    When the partner updates the customer's agreement with:
      | First name                | Jan                    |
      | Last name                 | Jansen                 |
      | Email address             | jan.jansen@example.com |
      | Agreement acceptance date | 2020-05-01             |
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation       | Provided                            |
      | Accepted by               | Jan Jansen (jan.jansen@example.com) |
      | Agreement acceptance date | 05/01/2020                          |
    And the partner's Admin agent is shown as the one who confirmed
