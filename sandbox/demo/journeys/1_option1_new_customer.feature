Feature: Option 1, new customer: the partner confirms the customer's acceptance while adding it
  An Admin agent of a CSP partner adds a new customer in Partner Center and, in the same wizard,
  confirms that the customer's primary contact accepted the Microsoft Customer Agreement.

  Scenario: The partner confirms that the primary contact accepted the agreement
    Given a direct-bill partner
    And the sandbox date is 2020-05-05
    And the partner's Admin agent is signed in to Partner Center
    When the partner adds a customer from the Customers page
    And the partner enters the account info of a new customer:
      | Company name  | Fabrikam Bikes                     |
      | First name    | Anna                               |
      | Last name     | de Vries                           |
      | Email address | anna.devries@fabrikambikes.example |
    And the partner confirms that the customer accepted the agreement on 2020-05-04
    Then the person who accepted is shown as the primary contact
    When the partner reviews and submits the new customer
    Then the partner sees the new customer's sign-in credentials
    When the partner opens the new customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation       | Provided                                           |
      | Accepted by               | Anna de Vries (anna.devries@fabrikambikes.example) |
      | Agreement acceptance date | 05/04/2020                                         |
    And the partner's Admin agent is shown as the one who confirmed
