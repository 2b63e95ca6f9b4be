@api @timeline
Feature: What the API allows depends on the partner's date
  As a CSP partner rehearsing the switch to the Microsoft Customer Agreement,
  I want the API to apply the rules in force on my tenant's date,
  So that my integration sees what changed on 2019-09-03, 2019-09-20, 2019-10-01, 2020-02-01 and 2020-02-03.

  @option1 @R-TL-2
  Scenario Outline: Confirming acceptance through the API opens on 2019-09-03 (clock <date>)
    Given a direct-bill partner whose clock reads <date>
    And a customer without an agreement
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration confirms the customer's acceptance through the API
    Then <outcome>

    Examples:
      | date       | outcome                                                                |
      | 2019-09-02 | the API refuses it with 403 and code 2032, saying it opens on 2019-09-03 |
      | 2019-09-03 | the API answers 201                                                    |

  @option1 @R-TL-3
  Scenario Outline: Confirming acceptance through the .NET SDK opens on 2019-09-20 (clock <date>)
    Given a direct-bill partner whose clock reads <date>
    And a customer without an agreement
    And the partner's integration signs in as the partner's Admin agent
    And the partner's integration calls the API through the Partner Center .NET SDK
    When the partner's integration confirms the customer's acceptance through the API
    Then <outcome>

    Examples:
      | date       | outcome                                                                |
      | 2019-09-19 | the API refuses it with 403 and code 2032, saying it opens on 2019-09-20 |
      | 2019-09-20 | the API answers 201                                                    |

  @option1 @R-TL-2 @R-TL-3
  Scenario: Between 2019-09-03 and 2019-09-20 the API confirms, the .NET SDK not yet
    Given a direct-bill partner whose clock reads 2019-09-10
    And a customer without an agreement
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration confirms the customer's acceptance through the API
    Then the API answers 201
    Given a customer without an agreement
    And the partner's integration calls the API through the Partner Center .NET SDK
    When the partner's integration confirms the customer's acceptance through the API
    Then the API refuses it with 403 and code 2032, saying it opens on 2019-09-20

  @option1 @R-TL-4
  Scenario Outline: Until 2020-01-31 the Microsoft Cloud Agreement lets an existing customer buy, but not an Azure plan (<offer>)
    Given a direct-bill partner whose clock reads 2019-11-15
    And a customer who accepted only the Microsoft Cloud Agreement
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration orders <quantity> "<offer>" for the customer
    Then <outcome>

    Examples:
      | offer                        | quantity | outcome                                                       |
      | Office 365 E3                | 10       | the order goes through                                        |
      | Microsoft 365 Business Basic | 5        | the order goes through                                        |
      | Azure plan                   | 1        | the API refuses it because the Microsoft Customer Agreement is missing |

  @option1 @R-TL-4
  Scenario: The Azure plan goes through once the partner confirms the Microsoft Customer Agreement
    Given a direct-bill partner whose clock reads 2019-11-15
    And a customer who accepted only the Microsoft Cloud Agreement
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration confirms the customer's acceptance through the API
    And the partner's integration orders 1 "Azure plan" for the customer
    Then the order goes through

  @option1 @R-TL-4 @R-TL-5
  Scenario Outline: The partner can confirm the Microsoft Cloud Agreement until 2020-01-31 (clock <date>)
    Given a direct-bill partner whose clock reads <date>
    And a customer without an agreement
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration confirms the customer's acceptance of the Microsoft Cloud Agreement through the API
    Then <outcome>

    Examples:
      | date       | outcome                                   |
      | 2020-01-31 | the API answers 201                       |
      | 2020-02-01 | the API refuses it with 400 and code 3000 |

  @option1 @R-TL-5
  Scenario Outline: From 2020-02-01 the Microsoft Cloud Agreement no longer lets an existing customer order (clock <date>)
    Given a direct-bill partner whose clock reads <date>
    And a customer who accepted only the Microsoft Cloud Agreement
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration orders 10 "Office 365 E3" for the customer
    Then <outcome>

    Examples:
      | date       | outcome                                                                |
      | 2020-01-31 | the order goes through                                                 |
      | 2020-02-01 | the API refuses it because the Microsoft Customer Agreement is missing |

  @option1 @R-TL-5
  Scenario Outline: From 2020-02-01 the Microsoft Cloud Agreement no longer lets an existing customer change seats (clock <date>)
    Given a direct-bill partner whose clock reads <date>
    And a customer who accepted only the Microsoft Cloud Agreement and has Office 365 E3 seats
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration changes the "Office 365 E3" seats of the customer to 60
    Then <outcome>

    Examples:
      | date       | outcome                                                                |
      | 2020-01-31 | the seat change goes through                                           |
      | 2020-02-01 | the API refuses it because the Microsoft Customer Agreement is missing |

  @option1 @R-TL-5
  Scenario: From 2020-02-01 an existing customer changes seats again once the partner confirms the Microsoft Customer Agreement
    Given a direct-bill partner whose clock reads 2020-02-01
    And a customer who accepted only the Microsoft Cloud Agreement and has Office 365 E3 seats
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration changes the "Office 365 E3" seats of the customer to 60
    Then the API refuses it because the Microsoft Customer Agreement is missing
    When the partner's integration confirms the customer's acceptance through the API
    And the partner's integration changes the "Office 365 E3" seats of the customer to 60
    Then the seat change goes through
    And the customer has 60 "Office 365 E3" seats

  @option2 @R-TL-6 @R-API-5
  Scenario Outline: The customer's own acceptance opens on 2020-02-03 (clock <date>)
    Given a direct-bill partner whose clock reads <date>
    And a customer without an agreement
    And the partner's integration signs in as the partner's Admin agent
    When the customer tries to accept the Microsoft Customer Agreement in the Microsoft 365 admin center, without a browser
    Then <admin center>
    When the partner's integration asks whether the customer accepted the agreement directly
    Then the API answers that the customer <has or has not> accepted the agreement directly

    Examples:
      | date       | admin center                                            | has or has not |
      | 2020-02-02 | the admin center says that accepting is not available yet | has not        |
      | 2020-02-03 | the admin center confirms the acceptance                | has            |
