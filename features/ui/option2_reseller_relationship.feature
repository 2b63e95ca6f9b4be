@ui @option2
Feature: Option 2, reseller relationship: the customer accepts the partner and the agreement in one go
  As an Admin agent of a CSP partner,
  I want to send a customer my reseller relationship request by email,
  So that the customer authorizes me and accepts the Microsoft Customer Agreement in the Microsoft 365 admin center.

  Background:
    Given a direct-bill partner
    And the sandbox date is 2020-05-05
    And a customer who has no relationship with the partner yet
    And the partner's Admin agent is signed in to Partner Center

  @R-OPT2-REL-1 @R-OPT2-REL-2 @R-OPT2-REL-3 @R-OPT2-REL-4 @R-OPT2-REL-5 @R-OPT2-REL-6 @R-OPT2-REL-7 @R-OPT2-REL-8 @R-OPT2-STATUS
  Scenario: The customer accepts a reseller relationship with delegated administration and the agreement
    When the partner requests a reseller relationship from the Customers page
    And the partner includes delegated administration privileges
    Then the email message invites the customer with the partner's link, with delegated administration
    When the partner adds "Kind regards, the CSP team" to the email message
    And the partner copies the email message to the clipboard
    Then the partner sees "Copied to clipboard"
    And the copied text is the email message
    And the copied text ends with "Kind regards, the CSP team"
    When the partner emails the customer the copied text and its sign-in credentials
    And the customer opens the link from the email
    And the customer signs in to the Microsoft 365 admin center
    Then the customer is asked to authorize the partner as "Reseller & delegated administrator" with admin roles "Global admin, Helpdesk admin"
    When the customer authorizes the partner and accepts the Microsoft Customer Agreement
    Then the customer sees that it authorized the partner
    And the customer sees the partner among its partner relationships
    When the customer opens the partner's details
    Then the partner's details show the relationship "Reseller & delegated administrator" with admin roles "Global admin, Helpdesk admin"
    And the partner's details show the agreement accepted on 05/05/2020
    When the partner looks for the customer in Customers
    Then the customer is listed
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Customer acceptance through Microsoft | Provided |

  @R-OPT2-REL-2 @R-OPT2-REL-5 @R-OPT2-REL-7
  Scenario: Without delegated administration the customer grants no admin roles
    When the partner requests a reseller relationship from the Customers page
    Then the email message invites the customer with the partner's link, without delegated administration
    When the partner copies the email message to the clipboard
    And the partner emails the customer the copied text and its sign-in credentials
    And the customer opens the link from the email
    And the customer signs in to the Microsoft 365 admin center
    Then the customer is asked to authorize the partner as "Reseller" with admin roles "None"
    When the customer authorizes the partner and accepts the Microsoft Customer Agreement
    Then the customer sees that it authorized the partner
    And the customer sees the partner among its partner relationships

  @R-OPT2-REL-2 @R-OPT2-REL-3
  Scenario: Ticking delegated administration after editing the email keeps the partner's words
    When the partner requests a reseller relationship from the Customers page
    And the partner adds "Kind regards, the CSP team" to the email message
    And the partner includes delegated administration privileges
    Then the email message invites the customer with the partner's link, with delegated administration
    And the email message ends with "Kind regards, the CSP team"
    When the partner clears delegated administration privileges
    Then the email message invites the customer with the partner's link, without delegated administration
    And the email message ends with "Kind regards, the CSP team"

  @R-OPT2-REL-3
  Scenario: The partner can open the request in an email message instead
    When the partner requests a reseller relationship from the Customers page
    Then "Open in email" starts an email whose body holds the partner's link
