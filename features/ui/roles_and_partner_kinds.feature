@ui @option1
Feature: Who may confirm acceptance, add customers and request relationships: partner roles and partner kinds
  As a CSP partner,
  I want only my Admin agents and Sales agents to confirm acceptance, and an indirect reseller's provider to do it,
  and only the roles Partner Center names to add customers and request reseller relationships,
  So that every confirmation and every customer on record was made by someone allowed to make it.

  @R-RES-1
  Scenario: An indirect reseller is told that its indirect provider must confirm acceptance
    Given an indirect reseller
    And the sandbox date is 2020-05-05
    And a customer without an agreement
    And the partner's Admin agent is signed in to Partner Center
    When the partner opens the customer's account
    Then the partner is told that its indirect provider must confirm the customer's acceptance
    And the partner cannot update the confirmation

  @R-RES-1
  Scenario: An indirect reseller requests reseller relationships but adds no customers
    Given an indirect reseller
    And the partner's Admin agent is signed in to Partner Center
    When the partner opens Customers
    Then the partner can request a reseller relationship but cannot add a customer
    When the partner goes straight to the address of Add customer
    Then the partner is refused with "Indirect resellers can't create customers here; your indirect provider adds them for you."

  @R-RES-1 @R-OPT1-EX-3 @R-OPT1-EX-5
  Scenario: The indirect provider confirms acceptance for its indirect reseller's customer
    Given an indirect reseller
    And the sandbox date is 2020-05-05
    And a customer without an agreement
    And the indirect provider's Admin agent is signed in to Partner Center
    When the partner opens the customer's account
    And the partner updates the customer's agreement with:
      | First name                | Jan                    |
      | Last name                 | Jansen                 |
      | Email address             | jan.jansen@example.com |
      | Agreement acceptance date | 2020-05-01             |
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation | Provided |
    And the indirect provider's Admin agent is shown as the one who confirmed

  @R-OPT1-EX-3 @R-OPT1-EX-5
  Scenario: A Sales agent confirms acceptance
    Given a direct-bill partner
    And the sandbox date is 2020-05-05
    And a customer without an agreement
    And the partner's Sales agent is signed in to Partner Center
    When the partner opens the customer's account
    And the partner updates the customer's agreement with:
      | First name                | Jan                    |
      | Last name                 | Jansen                 |
      | Email address             | jan.jansen@example.com |
      | Agreement acceptance date | 2020-05-01             |
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation | Provided |
    And the partner's Sales agent is shown as the one who confirmed

  @R-OPT1-NEW-3
  Scenario: A Global admin adding a customer cannot confirm the customer's acceptance
    Given a direct-bill partner
    And the partner's Global admin is signed in to Partner Center
    When the partner adds a customer from the Customers page
    Then the option to confirm the customer's acceptance is disabled, with "Only an Admin agent or a Sales agent can confirm acceptance."

  @R-OPT2-REL-1
  Scenario: A Global admin adds customers but does not request reseller relationships
    Given a direct-bill partner
    And the partner's Global admin is signed in to Partner Center
    When the partner opens Customers
    Then the partner can add a customer but cannot request a reseller relationship
    And the partner is told "Only an Admin agent or a Sales agent can request a reseller relationship."

  @R-OPT1-NEW-1 @R-OPT2-REL-1
  Scenario Outline: A <role> neither adds customers nor requests reseller relationships
    Given a direct-bill partner
    And the partner's <role> is signed in to Partner Center
    When the partner opens Customers
    Then the partner can neither add a customer nor request a reseller relationship
    And the partner is told "Only a Global admin, an Admin agent or a Sales agent can add customers."
    And the partner is told "Only an Admin agent or a Sales agent can request a reseller relationship."
    When the partner goes straight to the address of Add customer
    Then the partner is refused with "Only a Global admin, an Admin agent or a Sales agent can add customers."
    When the partner goes straight to the address of Request a reseller relationship
    Then the partner is refused with "Only an Admin agent or a Sales agent can request a reseller relationship."

    Examples:
      | role           |
      | Billing admin  |
      | Helpdesk agent |

  @R-RES-1 @R-OPT2-REL-1 @R-OPT2-REL-5 @R-OPT2-REL-7 @R-OPT2-REL-8
  Scenario: The customer gives the admin roles an indirect reseller asks for to the reseller, not to its provider
    Given an indirect reseller
    And the sandbox date is 2020-05-05
    And a customer who has no relationship with the partner yet
    And the partner's Admin agent is signed in to Partner Center
    When the partner requests a reseller relationship from the Customers page
    And the partner includes delegated administration privileges
    And the partner copies the email message to the clipboard
    And the partner emails the customer the copied text and its sign-in credentials
    And the customer opens the link from the email
    And the customer signs in to the Microsoft 365 admin center
    Then the customer is asked to authorize the partner as "Indirect reseller & delegated administrator" with admin roles "Global admin, Helpdesk admin"
    When the customer authorizes the partner and accepts the Microsoft Customer Agreement
    Then the customer sees that it authorized the partner
    And the customer's partner relationships list the partner as "Indirect reseller & delegated administrator" with admin roles "Global admin, Helpdesk admin"
    And the customer's partner relationships list the indirect provider as "Reseller" with admin roles "None"
