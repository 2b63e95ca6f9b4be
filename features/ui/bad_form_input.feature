@ui
Feature: Bad form input is refused next to the field, and what was typed is kept
  As a user of Partner Center or of the Microsoft 365 admin center,
  I want a wrong or missing value explained next to its field without losing what I typed,
  So that I can correct it and go on.

  Background:
    Given a direct-bill partner
    And the sandbox date is 2020-05-05

  @option1 @R-OPT1-NEW-2
  Scenario: Required account info left empty
    Given the partner's Admin agent is signed in to Partner Center
    When the partner adds a customer from the Customers page
    And the partner enters the account info of a new customer:
      | Company name  |         |
      | City          | Redmond |
      | Email address |         |
    And the partner confirms that the customer accepted the agreement on 2020-05-04
    And the partner asks to review the new customer
    Then the "Company name" field is marked as invalid with a message
    And the "Email address" field is marked as invalid with a message
    And the wizard is still on the "Account info" step
    And the "City" field still holds "Redmond"
    And the "Agreement acceptance date" field still holds "2020-05-04"

  @option2 @R-OPT2-NEW-2
  Scenario: An email address that is not one
    Given the partner's Admin agent is signed in to Partner Center
    When the partner adds a customer from the Customers page
    And the partner enters the account info of a new customer:
      | Company name  | Litware        |
      | Email address | not-an-address |
    And the partner chooses that the customer will accept in the Microsoft 365 admin center
    And the partner asks to review the new customer
    Then the "Email address" field is marked as invalid with a message
    And the "Email address" field still holds "not-an-address"
    And the "Company name" field still holds "Litware"

  @option2 @R-OPT2-NEW-2
  Scenario: A company name that is too long
    Given the partner's Admin agent is signed in to Partner Center
    When the partner adds a customer from the Customers page
    And the partner enters a company name of 300 characters
    And the partner chooses that the customer will accept in the Microsoft 365 admin center
    And the partner asks to review the new customer
    Then the "Company name" field is marked as invalid with a message
    And the company name field still holds what was typed

  @option2 @R-OPT2-NEW-2
  Scenario: Markup and SQL in the account info are kept as plain text
    Given the partner's Admin agent is signed in to Partner Center
    When the partner adds a customer from the Customers page
    And the partner enters the account info of a new customer:
      | Company name | <script>alert("owned")</script> Ltd |
      | Last name    | O'Brien'); DROP TABLE customers;--  |
    And the partner chooses that the customer will accept in the Microsoft 365 admin center
    And the partner asks to review the new customer
    Then the review shows "<script>alert("owned")</script> Ltd"
    And the review shows "O'Brien'); DROP TABLE customers;--"
    When the partner submits the new customer
    Then the partner sees that "<script>alert("owned")</script> Ltd" was added to its customers
    And no script ran in the partner's browser

  @option1 @R-OPT1-NEW-4
  Scenario: An impossible acceptance date typed into the date field
    Given the partner's Admin agent is signed in to Partner Center
    When the partner adds a customer from the Customers page
    And the partner enters the account info of a new customer:
      | Company name | Proseware |
    And the partner confirms that the customer accepted the agreement, typing the date "02/30/2020"
    And the partner asks to review the new customer
    Then the "Agreement acceptance date" field is marked as invalid with a message
    And the "Company name" field still holds "Proseware"

  @option1 @R-OPT1-EX-1 @R-OPT1-EX-2
  Scenario: A wrong password is refused on the Partner Center sign-in page; the right one opens Partner Center
    Given a customer without an agreement
    When the partner's Admin agent signs in on the Partner Center sign-in page with a wrong password
    Then the sign-in page says "Your account or password is incorrect."
    When the partner's Admin agent signs in on the Partner Center sign-in page
    And the partner selects Customers in the Partner Center menu
    And the partner searches for the customer and selects it
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation | Not provided |

  @option1 @R-OPT1-EX-4
  Scenario: Required fields of the confirmation left empty
    Given a customer without an agreement
    And the partner's Admin agent is signed in to Partner Center
    When the partner opens the customer's account
    And the partner updates the customer's agreement with:
      | First name                | Jan        |
      | Last name                 |            |
      | Email address             |            |
      | Agreement acceptance date | 2020-05-01 |
    Then the "Last name" field is marked as invalid with a message
    And the "Email address" field is marked as invalid with a message
    And the "First name" field still holds "Jan"
    And the "Agreement acceptance date" field still holds "2020-05-01"

  @option2 @R-OPT2-EX-4
  Scenario: The customer selects Accept without ticking the box
    Given a customer without an agreement
    When the customer opens the agreement page of the Microsoft 365 admin center
    And the customer signs in to the Microsoft 365 admin center
    And the customer selects Accept without ticking the box
    Then the customer sees "Select the checkbox to accept the agreement."

  @option2 @R-OPT2-EX-3
  Scenario: The customer's sign-in with a wrong password is refused
    Given a customer without an agreement
    When the customer opens the agreement page of the Microsoft 365 admin center
    And the customer signs in with a wrong password
    Then the customer sees "Your account or password is incorrect. If you don't remember your password, reset it now."

  @option2 @R-OPT2-EX-3
  Scenario: The admin center does not know the user name
    Given a customer without an agreement
    When the customer opens the agreement page of the Microsoft 365 admin center
    And the customer signs in as someone the admin center does not know
    Then the customer sees "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin."
