@api @option2
Feature: Read the status of the customer's own acceptance through the API
  As a CSP partner's integration that invited a customer to accept in the Microsoft 365 admin center,
  I want to know whether the customer has accepted the Microsoft Customer Agreement itself,
  So that I know when I can sell to it without confirming its acceptance myself.

  Background:
    Given a direct-bill partner whose clock reads 2020-05-05
    And the partner's integration signs in as the partner's Admin agent

  @R-API-5 @R-OPT2-STATUS
  Scenario: The status turns true once the customer accepts in the Microsoft 365 admin center
    Given a customer without an agreement
    When the partner's integration asks whether the customer accepted the agreement directly
    Then the API answers that the customer has not accepted the agreement directly
    When the customer accepts the Microsoft Customer Agreement in the Microsoft 365 admin center, without a browser
    And the partner's integration asks whether the customer accepted the agreement directly
    Then the API answers that the customer has accepted the agreement directly

  @R-API-5 @R-OPT2-STATUS
  Scenario: A customer who accepted earlier is signed
    Given a customer who accepted the agreement in the Microsoft 365 admin center
    When the partner's integration asks whether the customer accepted the agreement directly
    Then the API answers that the customer has accepted the agreement directly

  @R-API-5 @R-OPT2-STATUS
  Scenario: The partner's confirmation is not the customer's own acceptance
    Given a customer without an agreement
    And the partner's integration has confirmed the customer's acceptance with:
      | First name  | Tania               |
      | Last name   | Carr                |
      | Email       | someone@example.com |
      | Date agreed | 2020-05-04          |
    When the partner's integration asks whether the customer accepted the agreement directly
    Then the API answers that the customer has not accepted the agreement directly

  @R-API-5 @R-OPT2-CANT @R-OPT2-STATUS
  Scenario Outline: A customer who bought <what> through the partner <can> accept itself
    Given a customer <situation>
    When the customer tries to accept the Microsoft Customer Agreement in the Microsoft 365 admin center, without a browser
    Then <answer>
    When the partner's integration asks whether the customer accepted the agreement directly
    Then the API answers that the customer <status> accepted the agreement directly

    Examples:
      | what                   | can    | situation                                                                   | answer                                                     | status  |
      | an Azure plan          | cannot | who bought an Azure plan through the partner                                | the admin center tells the customer to reach out to its partner | has not |
      | Office 365 E3 seats    | can    | who accepted only the Microsoft Cloud Agreement and has Office 365 E3 seats | the admin center confirms the acceptance                   | has     |

  @R-OPT2-CANT
  Scenario: Once the partner confirms for a customer with an Azure plan, it buys, and nothing blocks its own acceptance
    Given a customer who bought an Azure plan through the partner
    When the partner's integration orders 1 "Microsoft 365 Business Standard" for the customer
    Then the API refuses it because the Microsoft Customer Agreement is missing
    When the partner's integration confirms the customer's acceptance through the API
    And the partner's integration orders 1 "Microsoft 365 Business Standard" for the customer
    Then the order goes through
    When the customer tries to accept the Microsoft Customer Agreement in the Microsoft 365 admin center, without a browser
    Then the admin center confirms the acceptance

  @R-API-5
  Scenario: The status needs a user: an App-only token is refused
    Given a customer without an agreement
    And the partner's integration signs in as the application alone
    When the partner's integration asks whether the customer accepted the agreement directly
    Then the API refuses it with 403 and code 2032
