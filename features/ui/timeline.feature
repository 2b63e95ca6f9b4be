@ui @timeline
Feature: The agreement a purchase needs depends on the sandbox's date
  As a CSP partner rehearsing the switch to the Microsoft Customer Agreement,
  I want the sandbox to apply the rules in force on its date,
  So that I see what changed on 2019-08-01, 2019-10-01, 2020-02-01 and 2020-02-03.

  Background:
    Given a direct-bill partner

  @option1 @R-TL-4 @R-TL-5
  Scenario Outline: Seat changes for a customer with only the Microsoft Cloud Agreement, on <date>
    Given the sandbox date is <date>
    And a customer who accepted only the Microsoft Cloud Agreement and has Office 365 E3 seats
    And the partner's Admin agent is signed in to Partner Center
    When the partner changes the "Office 365 E3" seats of the customer to 60
    Then <outcome>

    Examples:
      | date       | outcome                                                         |
      | 2020-01-31 | the partner sees "Quantity updated."                            |
      | 2020-02-01 | it is refused because the Microsoft Customer Agreement is missing |

  @option1 @R-TL-4 @R-TL-5
  Scenario Outline: New purchases for a customer with only the Microsoft Cloud Agreement, on <date>
    Given the sandbox date is <date>
    And a customer who accepted only the Microsoft Cloud Agreement
    And the partner's Admin agent is signed in to Partner Center
    When the partner tries to buy 10 "Microsoft 365 Business Basic" for the customer
    Then <outcome>

    Examples:
      | date       | outcome                                                         |
      | 2020-01-15 | the partner sees "Subscription added."                          |
      | 2020-02-03 | it is refused because the Microsoft Customer Agreement is missing |

  @option1 @R-TL-4
  Scenario: The Azure plan needs the Microsoft Customer Agreement even before 2020-02-01
    Given the sandbox date is 2019-11-15
    And a customer who accepted only the Microsoft Cloud Agreement
    And the partner's Admin agent is signed in to Partner Center
    When the partner tries to buy 1 "Azure plan" for the customer
    Then it is refused because the Microsoft Customer Agreement is missing

  @option1 @R-NEW-BUY @R-TL-5
  Scenario: A customer without an agreement can buy once the partner confirms its acceptance
    Given the sandbox date is 2020-05-05
    And a customer without an agreement
    And the partner's Admin agent is signed in to Partner Center
    When the partner tries to buy 5 "Microsoft 365 Business Standard" for the customer
    Then it is refused because the Microsoft Customer Agreement is missing
    When the partner opens the customer's account
    And the partner updates the customer's agreement with:
      | First name                | Jan                    |
      | Last name                 | Jansen                 |
      | Email address             | jan.jansen@example.com |
      | Agreement acceptance date | 2020-05-04             |
    And the partner tries to buy 5 "Microsoft 365 Business Standard" for the customer
    Then the partner sees "Subscription added."

  @option1 @R-TL-1
  Scenario: Before 2019-08-01 the account page says when confirming acceptance opens
    Given the sandbox date is 2019-07-31
    And a customer without an agreement
    And the partner's Admin agent is signed in to Partner Center
    When the partner opens the customer's account
    Then the partner cannot update the confirmation
    And Partner Center says that confirming acceptance is available from 2019-08-01

  @option1 @R-TL-1
  Scenario: Confirming acceptance in Partner Center opens on 2019-08-01
    Given the sandbox date is 2019-08-01
    And a customer without an agreement
    And the partner's Admin agent is signed in to Partner Center
    When the partner opens the customer's account
    And the partner updates the customer's agreement with:
      | First name                | Jan                    |
      | Last name                 | Jansen                 |
      | Email address             | jan.jansen@example.com |
      | Agreement acceptance date | 2019-07-01             |
    Then the customer's Microsoft Customer Agreement section shows "Provided" for "Partner attestation"

  @option2 @R-TL-6
  Scenario Outline: Accepting in the Microsoft 365 admin center opens on 2020-02-03 (sandbox date <date>)
    Given the sandbox date is <date>
    And a customer without an agreement
    When the customer opens the agreement page of the Microsoft 365 admin center
    And the customer signs in to the Microsoft 365 admin center
    Then <outcome>

    Examples:
      | date       | outcome                                                  |
      | 2020-02-02 | the customer is told that accepting here is not available yet |
      | 2020-02-03 | the customer can accept the Microsoft Customer Agreement |

  @option2 @R-TL-6 @R-OPT2-NEW-3
  Scenario Outline: Adding a customer who accepts in the admin center opens on 2020-02-03 (sandbox date <date>)
    Given the sandbox date is <date>
    And the partner's Admin agent is signed in to Partner Center
    When the partner adds a customer from the Customers page
    Then the option that the customer accepts in the Microsoft 365 admin center is <state>

    Examples:
      | date       | state                                                |
      | 2020-02-02 | disabled, saying it is available from 2020-02-03     |
      | 2020-02-03 | enabled                                              |

  @option2 @R-TL-6 @R-OPT2-REL-7
  Scenario: Before 2020-02-03 a reseller relationship link asks for the relationship alone
    Given the sandbox date is 2020-01-15
    And a customer who has no relationship with the partner yet
    And the partner's Admin agent is signed in to Partner Center
    When the partner requests a reseller relationship from the Customers page
    And the partner copies the email message to the clipboard
    And the partner emails the customer the copied text and its sign-in credentials
    And the customer opens the link from the email
    And the customer signs in to the Microsoft 365 admin center
    Then the customer is asked to authorize the partner as "Reseller" with admin roles "None"
    And the customer is not asked to accept the Microsoft Customer Agreement
    When the customer authorizes the partner
    Then the customer sees that it authorized the partner
    When the partner looks for the customer in Customers
    Then the customer is listed
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Customer acceptance through Microsoft | Not provided |
