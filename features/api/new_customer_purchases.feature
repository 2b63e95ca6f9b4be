@api @R-NEW-BUY
Feature: A new customer buys nothing until the Microsoft Customer Agreement is accepted
  As a CSP partner's integration that creates customers,
  I want orders for a new customer refused until its acceptance of the Microsoft Customer Agreement is on record,
  So that I rehearse getting the acceptance before the first order.

  @option1
  Scenario: A new customer can order once the partner confirms its acceptance through the API
    Given a direct-bill partner whose clock reads 2020-05-05
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration creates a new customer through the API
    And the partner's integration orders 5 "Microsoft 365 Business Standard" for the customer
    Then the API refuses it because the Microsoft Customer Agreement is missing
    And the customer has no subscriptions
    When the partner's integration confirms the customer's acceptance through the API
    And the partner's integration orders 5 "Microsoft 365 Business Standard" for the customer
    Then the order goes through
    And the customer has 5 "Microsoft 365 Business Standard" seats

  @option2 @R-API-5
  Scenario: A new customer can order once it accepts in the Microsoft 365 admin center
    Given a direct-bill partner whose clock reads 2020-05-05
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration creates a new customer through the API
    And the partner's integration orders 5 "Microsoft 365 Business Standard" for the customer
    Then the API refuses it because the Microsoft Customer Agreement is missing
    When the customer accepts the Microsoft Customer Agreement in the Microsoft 365 admin center, without a browser
    And the partner's integration asks whether the customer accepted the agreement directly
    Then the API answers that the customer has accepted the agreement directly
    When the partner's integration orders 5 "Microsoft 365 Business Standard" for the customer
    Then the order goes through

  @option1 @R-TL-4
  Scenario: Before 2020-02-01 the Microsoft Cloud Agreement is not enough for a new customer
    Given a direct-bill partner whose clock reads 2019-11-15
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration creates a new customer through the API
    And the partner's integration confirms the customer's acceptance of the Microsoft Cloud Agreement through the API
    Then the API answers 201
    When the partner's integration orders 10 "Office 365 E3" for the customer
    Then the API refuses it because the Microsoft Customer Agreement is missing
    When the partner's integration confirms the customer's acceptance through the API
    And the partner's integration orders 10 "Office 365 E3" for the customer
    Then the order goes through

  @option1 @R-TL-4
  Scenario Outline: A customer added on <added> is <which> customer when it buys with the Cloud Agreement on 2019-11-15
    Given a direct-bill partner whose clock reads <added>
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration creates a new customer through the API
    And the partner's integration confirms the customer's acceptance of the Microsoft Cloud Agreement through the API
    And the partner's clock moves on to 2019-11-15
    And the partner's integration signs in as the partner's Admin agent
    And the partner's integration orders 10 "Office 365 E3" for the customer
    Then <outcome>

    Examples:
      | added      | which       | outcome                                                                |
      | 2019-09-30 | an existing | the order goes through                                                 |
      | 2019-10-01 | a new       | the API refuses it because the Microsoft Customer Agreement is missing |
