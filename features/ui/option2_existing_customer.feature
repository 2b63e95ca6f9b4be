@ui @option2
Feature: Option 2, existing customer: the customer accepts the agreement in the Microsoft 365 admin center
  As an Admin agent of a CSP partner,
  I want to invite an existing customer by URL to accept the Microsoft Customer Agreement,
  So that the customer accepts it itself.

  Background:
    Given a direct-bill partner
    And the sandbox date is 2020-05-05

  @R-OPT2-EX-1 @R-OPT2-EX-2 @R-OPT2-EX-3 @R-OPT2-EX-4 @R-OPT2-EX-5 @R-OPT2-STATUS
  Scenario: An existing customer accepts the agreement from the partner's link
    Given a customer without an agreement
    And the partner's Admin agent is signed in to Partner Center
    When the partner emails the customer the link to the agreement page
    And the customer opens the link from the email
    And the customer signs in to the Microsoft 365 admin center
    Then the customer sees the page to accept the agreement, naming its partner
    When the customer accepts the Microsoft Customer Agreement
    Then the customer sees "You accepted the Microsoft Customer Agreement."
    And the customer sees the partner among its partner relationships
    When the customer opens the partner's details
    Then the partner's details show the agreement accepted on 05/05/2020
    When the partner opens the customer's account
    Then the customer's Microsoft Customer Agreement section shows:
      | Customer acceptance through Microsoft | Provided |
    And the agreement section shows a date for "Accepted on"

  @R-OPT2-EX-4 @R-OPT2-EX-5
  Scenario: A customer who already accepted sees when, and its partners
    Given a customer who accepted the agreement in the Microsoft 365 admin center
    When the partner emails the customer the link to the agreement page
    And the customer opens the link from the email
    And the customer signs in to the Microsoft 365 admin center
    Then the customer sees that it accepted the agreement earlier
    And the customer sees the partner among its partner relationships
