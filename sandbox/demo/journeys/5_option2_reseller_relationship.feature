Feature: Option 2, reseller relationship: the customer accepts the partner and the agreement in one go
  An Admin agent of a CSP partner sends a customer its reseller relationship request by email; in the
  Microsoft 365 admin center the customer authorizes the partner and accepts the Microsoft Customer
  Agreement at the same time.

  Scenario: The customer accepts a reseller relationship with delegated administration and the agreement
    Given a direct-bill partner
    And the sandbox date is 2020-05-05
    And a customer who has no relationship with the partner yet
    And the partner's Admin agent is signed in to Partner Center
    When the partner requests a reseller relationship from the Customers page
    And the partner includes delegated administration privileges
    Then the email message invites the customer with the partner's link, with delegated administration
    When the partner adds "Kind regards, the CSP team" to the email message
    And the partner copies the email message to the clipboard
    Then the partner sees "Copied to clipboard"
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
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Customer acceptance through Microsoft | Provided |
