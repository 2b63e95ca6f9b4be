@ui @option1 @option2
Feature: When the customer cannot accept directly, the partner attests on its behalf
  As an Admin agent of a CSP partner,
  I want to know when my customer cannot accept the Microsoft Customer Agreement in the admin center,
  So that I confirm its acceptance myself and go on selling.

  @R-OPT2-CANT @R-OPT2-EX-2 @R-OPT2-EX-3 @R-OPT1-EX-5
  Scenario: A customer who bought an Azure plan is asked to reach out to its partner, who attests (scenario 1)
    Given a direct-bill partner
    And the sandbox date is 2020-05-05
    And a customer who bought an Azure plan through the partner
    And the partner's Admin agent is signed in to Partner Center
    When the partner emails the customer the link to the agreement page
    And the customer opens the link from the email
    And the customer signs in to the Microsoft 365 admin center
    Then the customer is told to reach out to its partner and cannot accept
    When the partner tries to buy 1 "Microsoft 365 E3" for the customer
    Then it is refused, and the partner is told to attest on behalf of the customer
    When the partner opens the customer's account
    Then the partner is told to attest on behalf of the customer
    When the partner updates the customer's agreement with:
      | First name                | Jan                    |
      | Last name                 | Jansen                 |
      | Email address             | jan.jansen@example.com |
      | Agreement acceptance date | 2020-05-04             |
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation | Provided |
    When the partner tries to buy 1 "Microsoft 365 E3" for the customer
    Then the partner sees "Subscription added."

  @R-OPT2-CANT @R-RES-1
  Scenario: A customer with purchases cannot accept a new partner's invitation (scenario 2)
    Given an indirect reseller
    And the sandbox date is 2020-05-05
    And a customer who bought an Azure plan through the indirect provider
    And the partner's Admin agent is signed in to Partner Center
    When the partner requests a reseller relationship from the Customers page
    And the partner copies the email message to the clipboard
    And the partner emails the customer the copied text
    And the customer opens the link from the email
    And the customer signs in to the Microsoft 365 admin center
    Then the customer is told to reach out to its partner and cannot authorize it
