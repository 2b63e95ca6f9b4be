@api @option1
Feature: Get a link to the agreement template through the API
  As a CSP partner's integration,
  I want a download link to the Microsoft Customer Agreement for the customer's country and language,
  So that I can show the customer the terms it accepts.

  Background:
    Given a direct-bill partner whose clock reads 2020-05-05
    And the partner's integration signs in as the partner's Admin agent

  @R-API-4 @R-TPL-2
  Scenario Outline: The link for country <country> in language <language>
    When the partner's integration asks for the agreement template's document for country "<country>" in language "<language>"
    Then the API answers 200 with a link to the document for country "<country>" in language "<answered>"
    And the preview link shows the agreement for <country name> in <answered>
    And the download link gives the agreement for <country> in <answered> as a Word document

    Examples:
      | country | language | answered | country name |
      | NL      | nl-NL    | nl-NL    | Netherlands  |
      | CA      | fr-FR    | fr-FR    | Canada       |
      | DE      | fr-FR    | en-US    | Germany      |

  @R-API-4 @R-TPL-1
  Scenario: Without a country or a language, the link is to the US agreement in English
    When the partner's integration asks for the agreement template's document without naming a country or language
    Then the API answers 200 with a link to the document for country "US" in language "en-US"
    And the preview link shows the agreement for United States in en-US

  @R-API-4
  Scenario: Each request gives new links
    When the partner's integration asks for the agreement template's document for country "US" in language "en-US"
    And the partner's integration asks for the agreement template's document for country "US" in language "en-US"
    Then the new links differ from the earlier ones

  @R-API-4 @R-TPL-1
  Scenario: The links open the document for five minutes of the partner's clock
    When the partner's integration asks for the agreement template's document for country "US" in language "en-US"
    And the partner's clock moves on by 4 minutes and 59 seconds
    Then the preview link shows the agreement for United States in en-US
    And the download link gives the agreement for US in en-US as a Word document
    When the partner's clock moves on by 1 second
    Then neither link opens the document any more

  @R-API-4
  Scenario Outline: A country code the table does not have is refused ("<country>")
    When the partner's integration asks for the agreement template's document for country "<country>" in language "en-US"
    Then the API refuses it with 400 and code 3000

    Examples:
      | country |
      | nl      |
      | XX      |
