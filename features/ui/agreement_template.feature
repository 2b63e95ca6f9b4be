@ui @option2
Feature: The agreement the customer reads is the one for its country
  As a customer reviewing the Microsoft Customer Agreement in the Microsoft 365 admin center,
  I want to read the version of the agreement for my country,
  So that I accept the terms that apply to me.

  @R-TPL-1 @R-TPL-2
  Scenario Outline: A customer located in <country> reads the agreement for <country>
    Given a direct-bill partner
    And the sandbox date is 2020-05-05
    And a customer located in <country> without an agreement
    When the customer opens the agreement page of the Microsoft 365 admin center
    And the customer signs in to the Microsoft 365 admin center
    And the customer opens the Microsoft Customer Agreement
    Then the agreement document is the one for <country>

    Examples:
      | country         |
      | the Netherlands |
      | Japan           |
