@api @option1
Feature: Who may confirm acceptance through the API
  As a CSP partner,
  I want only my Admin agents and Sales agents, and an indirect reseller's provider, to confirm acceptance,
  So that every confirmation on record was made by someone allowed to make it.

  @R-API-2
  Scenario Outline: A token of the partner's <role>
    Given a direct-bill partner whose clock reads 2020-05-05
    And a customer without an agreement
    And the partner's integration signs in as the partner's <role>
    When the partner's integration confirms the customer's acceptance through the API
    Then <outcome>

    Examples:
      | role           | outcome                                     |
      | Admin agent    | the API answers 201                         |
      | Sales agent    | the API answers 201                         |
      | Billing admin  | the API refuses it with 403 and code 900150 |
      | Helpdesk agent | the API refuses it with 403 and code 900150 |
      | Global admin   | the API refuses it with 403 and code 900150 |

  @R-API-2 @R-RES-1
  Scenario: An indirect reseller cannot confirm; its indirect provider can
    Given an indirect reseller whose clock reads 2020-05-05
    And a customer without an agreement
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration confirms the customer's acceptance through the API
    Then the API refuses it with 403 and code 2032
    And the customer has no confirmations of type "MicrosoftCustomerAgreement"
    When the partner's integration signs in as the indirect provider's Admin agent
    And the partner's integration confirms the customer's acceptance through the API
    Then the API answers 201
    And the confirmation's userId is the signed-in user's, from the token

  @R-API-2
  Scenario: An application alone (App-only token) cannot confirm
    Given a direct-bill partner whose clock reads 2020-05-05
    And a customer without an agreement
    And the partner's integration signs in as the partner's Admin agent
    And the partner's integration looks up the template of the Microsoft Customer Agreement
    And the partner's integration signs in as the application alone
    When the partner's integration confirms the customer's acceptance through the API
    Then the API refuses it with 403 and code 2032
