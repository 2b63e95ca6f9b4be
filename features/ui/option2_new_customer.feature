@ui @option2
Feature: Option 2, new customer: the customer accepts the agreement in the Microsoft 365 admin center
  As an Admin agent of a CSP partner,
  I want my new customer to accept the Microsoft Customer Agreement itself in the Microsoft 365 admin center,
  So that its acceptance is on record without my attestation.

  Background:
    Given a direct-bill partner
    And the sandbox date is 2020-05-05
    And the partner's Admin agent is signed in to Partner Center

  @R-OPT2-NEW-1 @R-OPT2-NEW-2 @R-OPT2-NEW-3 @R-OPT2-NEW-4 @R-OPT2-NEW-5 @R-OPT2-NEW-6 @R-OPT2-NEW-7 @R-OPT2-NEW-8 @R-OPT2-NEW-9 @R-NEW-BUY @R-OPT2-STATUS @R-TL-6
  Scenario: The partner adds a customer who then accepts the agreement in the admin center
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

  @R-OPT2-NEW-5 @R-OPT2-NEW-8
  Scenario: The customer must replace the temporary password at the first sign-in
    When the partner adds a customer from the Customers page
    And the partner enters the account info of a new customer:
      | Company name | Wide World Importers |
    And the partner chooses that the customer will accept in the Microsoft 365 admin center
    And the partner reviews and submits the new customer
    And the partner emails the customer the link and the sign-in credentials
    And the customer opens the link from the email
    And the customer signs in with the temporary password and chooses "short", confirmed as "short"
    Then the customer is asked to update the temporary password
    And the customer sees "Your password must be 8 to 256 characters long and use three of these four"
