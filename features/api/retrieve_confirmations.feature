@api @option1
Feature: Read the confirmations of a customer's acceptance through the API
  As a CSP partner's integration,
  I want to read back the confirmations on record for a customer,
  So that I know who confirmed which agreement, for whom and when.

  Background:
    Given a direct-bill partner whose clock reads 2020-05-05
    And the partner's integration signs in as the partner's Admin agent

  @R-API-3
  Scenario: The confirmations of the Microsoft Customer Agreement, with who confirmed them
    Given a customer without an agreement
    And the partner's integration has confirmed the customer's acceptance with:
      | First name   | Tania               |
      | Last name    | Carr                |
      | Email        | someone@example.com |
      | Phone number | 1234567890          |
      | Date agreed  | 2020-05-01          |
    And the partner's integration signs in as the partner's Sales agent
    And the partner's integration has confirmed the customer's acceptance with:
      | First name  | Jan                    |
      | Last name   | Jansen                 |
      | Email       | jan.jansen@example.com |
      | Date agreed | 2020-05-04             |
    When the partner's integration reads the customer's confirmations of type "MicrosoftCustomerAgreement"
    Then the API lists these confirmations:
      | type                       | firstName | lastName | email                  | phoneNumber | dateAgreed               | confirmed by |
      | MicrosoftCustomerAgreement | Tania     | Carr     | someone@example.com    | 1234567890  | 2020-05-01T00:00:00.000Z | Admin agent  |
      | MicrosoftCustomerAgreement | Jan       | Jansen   | jan.jansen@example.com |             | 2020-05-04               | Sales agent  |
    And each confirmation links to "https://aka.ms/customeragreement"

  @R-API-3
  Scenario: Without a type, the API lists the Microsoft Cloud Agreement's confirmations only
    Given a customer who accepted only the Microsoft Cloud Agreement
    And the partner's integration has confirmed the customer's acceptance with:
      | First name  | Tania               |
      | Last name   | Carr                |
      | Email       | someone@example.com |
      | Date agreed | 2020-05-04          |
    When the partner's integration reads the customer's confirmations without naming a type
    Then the API lists 1 confirmation of type "MicrosoftCloudAgreement"
    And each confirmation links to "https://docs.microsoft.com/partner-center/agreements"
    When the partner's integration reads the customer's confirmations of type "*"
    Then the API lists 2 confirmations, of types "MicrosoftCloudAgreement, MicrosoftCustomerAgreement"

  @R-API-3
  Scenario: A customer without an agreement has no confirmations
    Given a customer without an agreement
    When the partner's integration reads the customer's confirmations of type "MicrosoftCustomerAgreement"
    Then the API lists no confirmations

  @R-API-3
  Scenario: Every role of the partner can read the confirmations
    Given a customer whose acceptance the partner has confirmed
    And the partner's integration signs in as the partner's Billing admin
    When the partner's integration reads the customer's confirmations of type "MicrosoftCustomerAgreement"
    Then the API lists 1 confirmation of type "MicrosoftCustomerAgreement"
