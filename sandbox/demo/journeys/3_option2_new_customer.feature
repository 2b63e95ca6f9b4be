Feature: Option 2, new customer: the customer accepts the agreement in the Microsoft 365 admin center
  An Admin agent of a CSP partner adds a new customer and sends it the link to the agreement page; the
  customer signs in to the Microsoft 365 admin center and accepts the Microsoft Customer Agreement itself.
  Until then, purchases that need the agreement are refused.

  Scenario: The partner adds a customer who then accepts the agreement in the admin center
    Given a direct-bill partner
    And the sandbox date is 2020-05-05
    And the partner's Admin agent is signed in to Partner Center
    When the partner adds a customer from the Customers page
    And the partner enters the account info of a new customer:
      | Company name | Tailspin Toys |
    And the partner chooses that the customer will accept in the Microsoft 365 admin center
    And the partner reviews and submits the new customer
    Then the partner sees the new customer's sign-in credentials
    And the partner sees the link to the agreement page of the Microsoft 365 admin center
    When the partner emails the customer the link and the sign-in credentials
    And the partner tries to buy 5 "Microsoft 365 Business Standard" for the customer
    Then it is refused because the Microsoft Customer Agreement is missing
    When the customer opens the link from the email
    And the customer signs in with the temporary password and chooses a new one
    Then the customer sees the page to accept the agreement, naming its partner
    When the customer accepts the Microsoft Customer Agreement
    Then the customer sees "You accepted the Microsoft Customer Agreement."
    And the customer sees the partner among its partner relationships
    When the partner opens the new customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation                   | Not provided |
      | Customer acceptance through Microsoft | Provided     |
    When the partner tries to buy 5 "Microsoft 365 Business Standard" for the customer
    Then the partner sees "Subscription added."
