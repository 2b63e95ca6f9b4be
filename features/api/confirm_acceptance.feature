@api @option1
Feature: Confirm a customer's acceptance through the API
  As a CSP partner's integration,
  I want to confirm (attest) that a customer accepted the Microsoft Customer Agreement,
  So that the customer can buy without anyone opening Partner Center.

  Background:
    Given a direct-bill partner whose clock reads 2020-05-05
    And a customer without an agreement
    And the partner's integration signs in as the partner's Admin agent

  @R-API-1 @R-API-2
  Scenario: The confirmation names the template from the metadata and the user of the token
    When the partner's integration looks up the template of the Microsoft Customer Agreement
    And the partner's integration confirms the customer's acceptance through the API with:
      | First name   | Tania               |
      | Last name    | Carr                |
      | Email        | someone@example.com |
      | Phone number | 1234567890          |
      | Date agreed  | 2020-05-04          |
    Then the API answers 201 with the confirmation:
      | type         | MicrosoftCustomerAgreement           |
      | templateId   | 117a77b0-9360-443b-8795-c6dedc750cf9 |
      | dateAgreed   | 2020-05-04T00:00:00.000Z             |
      | firstName    | Tania                                |
      | lastName     | Carr                                 |
      | email        | someone@example.com                  |
      | phoneNumber  | 1234567890                           |
    And the confirmation's userId is the signed-in user's, from the token

  @R-API-2
  Scenario: Confirming the same person again is refused with the documented body
    Given the partner's integration has confirmed the customer's acceptance with:
      | First name   | Tania               |
      | Last name    | Carr                |
      | Email        | someone@example.com |
      | Phone number | 1234567890          |
      | Date agreed  | 2020-05-04          |
    When the partner's integration confirms the customer's acceptance again with the same person
    Then the API refuses it with 409 and the documented body:
      """
      {
        "code": 600061,
        "message": "A partner confirmed agreement already exists for the customer.",
        "description": "A partner confirmed agreement already exists for the customer.",
        "errorName": "PartnerConfirmedAgreementAlreadyExists",
        "isRetryable": false,
        "parameters": {},
        "errorMessageExtended": "InternalErrorCode=600061"
      }
      """
    And the customer has 1 confirmation of type "MicrosoftCustomerAgreement"

  @R-API-2
  Scenario: The same person typed in other capitals and spaces is still the same person
    Given the partner's integration has confirmed the customer's acceptance with:
      | First name  | Tania               |
      | Last name   | Carr                |
      | Email       | someone@example.com |
      | Date agreed | 2020-05-04          |
    When the partner's integration confirms the customer's acceptance through the API with:
      | First name  | TANIA               |
      | Last name   | carr                |
      | Email       | SomeOne@Example.com |
      | Date agreed | 2020-05-05          |
    Then the API refuses it with 409 and code 600061

  @R-API-2 @R-API-3
  Scenario: A changed phone number makes a new confirmation
    Given the partner's integration has confirmed the customer's acceptance with:
      | First name   | Tania               |
      | Last name    | Carr                |
      | Email        | someone@example.com |
      | Phone number | 1234567890          |
      | Date agreed  | 2020-05-01          |
    When the partner's integration confirms the customer's acceptance through the API with:
      | First name   | Tania               |
      | Last name    | Carr                |
      | Email        | someone@example.com |
      | Phone number | 0612345678          |
      | Date agreed  | 2020-05-04          |
    Then the API answers 201
    And the customer has 2 confirmations of type "MicrosoftCustomerAgreement"

  @R-API-1 @R-API-2
  Scenario Outline: A confirmation must name its agreement's current template (<template>)
    When the partner's integration confirms the customer's acceptance through the API with:
      | First name  | Tania               |
      | Last name   | Carr                |
      | Email       | someone@example.com |
      | Template id | <template id>       |
    Then the API refuses it with 400 and code 3000
    And the customer has no confirmations of type "MicrosoftCustomerAgreement"

    Examples:
      | template                              | template id                          |
      | the Cloud Agreement's                 | 998b88de-aa99-4388-a42c-1b3517d49490 |
      | one the metadata never gave           | 00000000-0000-0000-0000-000000000000 |
      | the MCA's in capitals (ids are exact) | 117A77B0-9360-443B-8795-C6DEDC750CF9 |

  @R-API-2
  Scenario Outline: The acceptance date can't be after the partner's date (<date agreed>)
    When the partner's integration confirms the customer's acceptance through the API with:
      | First name  | Tania               |
      | Last name   | Carr                |
      | Email       | someone@example.com |
      | Date agreed | <date agreed>       |
    Then <outcome>

    Examples:
      | date agreed | outcome                                 |
      | 2020-05-05  | the API answers 201                     |
      | 2020-05-06  | the API refuses it with 400 and code 3000 |

  @R-API-2
  Scenario: A token that has expired on the partner's clock is refused, and nothing is confirmed
    When the partner's clock moves on by 61 minutes
    And the partner's integration confirms the customer's acceptance through the API
    Then the API answers 401
    And the customer has no confirmations of type "MicrosoftCustomerAgreement"
