@ui @option1
Feature: Option 1, existing customer: the partner confirms acceptance on the customer's account
  As an Admin agent of a CSP partner,
  I want to record who at my existing customer accepted the Microsoft Customer Agreement, and when,
  So that I can go on selling to the customer.

  Background:
    Given a direct-bill partner
    And the sandbox date is 2020-05-05
    And a customer without an agreement
    And the partner's Admin agent is signed in to Partner Center

  @R-OPT1-EX-1 @R-OPT1-EX-2 @R-OPT1-EX-3 @R-OPT1-EX-4 @R-OPT1-EX-5 @R-OPT1-GET-1
  Scenario: The partner finds the customer and confirms its acceptance
    When the partner finds the customer in Customers and opens its account
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation | Not provided |
    And the partner can update the confirmation
    When the partner updates the customer's agreement with:
      | First name                | Jan                    |
      | Last name                 | Jansen                 |
      | Email address             | jan.jansen@example.com |
      | Agreement acceptance date | 2020-05-01             |
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation       | Provided                            |
      | Accepted by               | Jan Jansen (jan.jansen@example.com) |
      | Agreement acceptance date | 05/01/2020                          |
    And the partner's Admin agent is shown as the one who confirmed

  @R-OPT1-EX-4 @R-OPT1-EX-5
  Scenario: The phone number of the person who accepted can be given too
    When the partner opens the customer's account
    And the partner updates the customer's agreement with:
      | First name                | Jan                    |
      | Last name                 | Jansen                 |
      | Email address             | jan.jansen@example.com |
      | Phone number (optional)   | +31 20 555 0100        |
      | Agreement acceptance date | 2019-12-24             |
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation       | Provided   |
      | Agreement acceptance date | 12/24/2019 |

  @R-OPT1-EX-4
  Scenario: An acceptance date in the future is refused and the form keeps what was typed
    When the partner opens the customer's account
    And the partner updates the customer's agreement with:
      | First name                | Jan                    |
      | Last name                 | Jansen                 |
      | Email address             | jan.jansen@example.com |
      | Agreement acceptance date | 2020-05-06             |
    Then the "Agreement acceptance date" field says "The agreement acceptance date can't be in the future."
    And the "First name" field still holds "Jan"
    And the "Email address" field still holds "jan.jansen@example.com"
    And the "Agreement acceptance date" field still holds "2020-05-06"

  @R-OPT1-EX-5
  Scenario: The same confirmation cannot be saved twice
    When the partner opens the customer's account
    And the partner updates the customer's agreement with:
      | First name                | Jan                    |
      | Last name                 | Jansen                 |
      | Email address             | jan.jansen@example.com |
      | Agreement acceptance date | 2020-05-01             |
    And the partner updates the customer's agreement again with the same person
    Then the form says "A partner confirmed agreement already exists for the customer."

  @R-NEW-BUY @R-OPT1-EX-4
  Scenario: An order for a customer whose acceptance isn't confirmed prompts for the confirmation
    When the partner tries to buy 2 "Microsoft 365 E3" for the customer
    Then it is refused because the Microsoft Customer Agreement is missing
    And the partner is prompted to confirm the customer's acceptance
    When the partner confirms the customer's acceptance in the prompt with:
      | First name                | Jan                    |
      | Last name                 | Jansen                 |
      | Email address             | jan.jansen@example.com |
      | Agreement acceptance date | 2020-05-01             |
    Then the partner sees "Subscription added."
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation | Provided                            |
      | Accepted by         | Jan Jansen (jan.jansen@example.com) |

  @R-NEW-BUY
  Scenario: Cancel skips the confirmation, and nothing is bought
    When the partner tries to buy 2 "Microsoft 365 E3" for the customer
    And the partner cancels the prompt
    Then the partner sees "Confirmation skipped. The subscription wasn't added."
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Partner attestation | Not provided |
