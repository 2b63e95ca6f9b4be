@ui @option1
Feature: Option 1, new customer: the partner confirms acceptance while adding the customer
  As an Admin agent of a CSP partner,
  I want to confirm in the Add customer wizard that my new customer accepted the Microsoft Customer Agreement,
  So that the new customer tenant starts with the agreement on record.

  Background:
    Given a direct-bill partner
    And the sandbox date is 2020-05-05
    And the partner's Admin agent is signed in to Partner Center

  @R-OPT1-NEW-1 @R-OPT1-NEW-2 @R-OPT1-NEW-3 @R-OPT1-NEW-4 @R-OPT1-NEW-5 @R-OPT1-NEW-6 @R-OPT1-GET-1
  Scenario: The partner confirms that the primary contact accepted the agreement
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

  @R-OPT1-NEW-5 @R-OPT1-NEW-6
  Scenario: Someone other than the primary contact accepted the agreement
    When the partner adds a customer from the Customers page
    And the partner enters the account info of a new customer:
      | Company name | Northwind Traders |
    And the partner confirms that the customer accepted the agreement on 2020-04-30
    And the partner enters the person who accepted instead of the primary contact:
      | First name    | Jan                          |
      | Last name     | Jansen                       |
      | Email address | jan.jansen@northwind.example |
      | Phone number  | +31 20 555 0100              |
    And the partner reviews and submits the new customer
    And the partner opens the new customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation       | Provided                                  |
      | Accepted by               | Jan Jansen (jan.jansen@northwind.example) |
      | Agreement acceptance date | 04/30/2020                                |

  @R-OPT1-NEW-4
  Scenario: The sandbox's own date is a valid acceptance date
    When the partner adds a customer from the Customers page
    And the partner enters the account info of a new customer:
      | Company name | Adventure Works Cycles |
    And the partner confirms that the customer accepted the agreement on 2020-05-05
    And the partner reviews and submits the new customer
    Then the partner sees the new customer's sign-in credentials

  @R-OPT1-NEW-4
  Scenario: An acceptance date in the future is refused and what was typed is kept
    When the partner adds a customer from the Customers page
    And the partner enters the account info of a new customer:
      | Company name | Contoso Pharmacy |
    And the partner confirms that the customer accepted the agreement on 2020-05-06
    And the partner asks to review the new customer
    Then the "Agreement acceptance date" field says "The agreement acceptance date can't be in the future."
    And the wizard is still on the "Account info" step
    And the "Company name" field still holds "Contoso Pharmacy"
    And the "Agreement acceptance date" field still holds "2020-05-06"
