@api
Feature: Retrying a call whose answer never arrived
  As a CSP partner's integration that places orders,
  I want to rehearse an order that Partner Center placed although its answer was lost on the way,
  So that my retries send the first MS-RequestId again and never buy twice.

  Background:
    Given a direct-bill partner whose clock reads 2020-05-05
    And a customer whose acceptance the partner has confirmed
    And the partner's integration signs in as the partner's Admin agent

  Scenario: A retry with the same MS-RequestId gets the order that was placed
    Given the next order will be placed but its answer lost to a 504
    When the partner's integration orders 5 "Microsoft 365 Business Standard" for the customer
    Then the API answers 504
    When the partner's integration retries the order with the same MS-RequestId
    Then the order goes through
    And the customer has 1 order
    And the sandbox's journal shows the order's 201 lost behind the 504

  Scenario: A retry with a new MS-RequestId buys a second time
    Given the next order will be placed but its answer lost to a 504
    When the partner's integration orders 5 "Microsoft 365 Business Standard" for the customer
    Then the API answers 504
    When the partner's integration retries the order with a new MS-RequestId
    Then the order goes through
    And the customer has 2 orders

  Scenario: A throttled order is not placed until it is retried
    Given the next order will be throttled with a 429 asking to retry after 2 seconds
    When the partner's integration orders 5 "Microsoft 365 Business Standard" for the customer
    Then the API answers 429
    And the API asks to retry after 2 seconds
    And the customer has no orders
    When the partner's integration retries the order with the same MS-RequestId
    Then the order goes through
    And the customer has 1 order
