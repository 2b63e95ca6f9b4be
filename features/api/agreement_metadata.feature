@api @option1
Feature: Look up the agreement metadata through the API
  As a CSP partner's integration,
  I want the metadata of the Microsoft Customer Agreement,
  So that I name its template when I confirm a customer's acceptance or ask for its document.

  Background:
    Given a direct-bill partner whose clock reads 2020-05-05
    And the partner's integration signs in as the partner's Admin agent

  @R-API-1
  Scenario: The Microsoft Customer Agreement's metadata names its template
    When the partner's integration asks for the agreement metadata of type "MicrosoftCustomerAgreement"
    Then the API lists these agreements:
      | agreementType              | templateId                           | agreementLink                    | versionRank |
      | MicrosoftCustomerAgreement | 117a77b0-9360-443b-8795-c6dedc750cf9 | https://aka.ms/customeragreement | 0           |

  @R-API-1
  Scenario: Without a type, the API answers the Microsoft Cloud Agreement, for backward compatibility
    When the partner's integration asks for the agreement metadata without naming a type
    Then the API lists these agreements:
      | agreementType           | templateId                           | agreementLink                                        | versionRank |
      | MicrosoftCloudAgreement | 998b88de-aa99-4388-a42c-1b3517d49490 | https://docs.microsoft.com/partner-center/agreements | 0           |

  @R-API-1
  Scenario: "*" answers every agreement type
    When the partner's integration asks for the agreement metadata of type "*"
    Then the API lists these agreements:
      | agreementType              | templateId                           | agreementLink                                        | versionRank |
      | MicrosoftCustomerAgreement | 117a77b0-9360-443b-8795-c6dedc750cf9 | https://aka.ms/customeragreement                     | 0           |
      | MicrosoftCloudAgreement    | 998b88de-aa99-4388-a42c-1b3517d49490 | https://docs.microsoft.com/partner-center/agreements | 0           |

  @R-API-1
  Scenario: A type the API does not know is refused
    When the partner's integration asks for the agreement metadata of type "All"
    Then the API refuses it with 400 and code 900126

  @R-API-1
  Scenario: The metadata needs a user: an App-only token is refused
    Given the partner's integration signs in as the application alone
    When the partner's integration asks for the agreement metadata of type "MicrosoftCustomerAgreement"
    Then the API refuses it with 403 and code 2032
