Feature: Report Task
  Report issues with a task, e.g. poor document quality. The report is
  recorded; the task's status is unchanged.

  POST /v2/{team_id}/project/{project_id}/task/{task_id}/report needs an API
  key with the task.edit scope and a JSON body: issues (required, at least one
  {label, value} entry) and an optional message.

  Rule: A report with at least one issue is accepted and leaves the task alone

    Scenario: reporting poor document quality
      Given a REVIEWING task that is not approved
      When I report the task with the issue "Poor Document Quality" "poor_quality"
      Then the request succeeds
      And the task's status is still REVIEWING
      And the response shows the task unchanged
      And the task is unchanged

    Scenario Outline: a <status> task can be reported
      Given a <status> task that is approved
      When I report the task with the issue "Wrong Extraction" "wrong_extraction"
      Then the request succeeds
      And the task's status is still <status>

      Examples:
        | status     |
        | PROCESSING |
        | COMPLETED  |
        | DISCARDED  |

    Scenario: a report with several issues and a message
      Given a COMPLETED task that is not approved
      When I send "POST" to "/v2/{team_id}/project/{project_id}/task/{task_id}/report" with the body:
        """
        {
          "issues": [
            {"label": "Poor Document Quality", "value": "poor_quality"},
            {"label": "Missing Pages", "value": "missing_pages"}
          ],
          "message": "Scan is blurry"
        }
        """
      Then the response status is 200
      And the JSON at "payload.id" is "{task_id}"
      And the JSON at "payload.status" is "COMPLETED"

  Rule: The body must name at least one issue, each with a label and a value

    Scenario Outline: a report whose body <problem> is refused
      Given a REVIEWING task that is not approved
      When I send "POST" to "/v2/{team_id}/project/{project_id}/task/{task_id}/report" with the body:
        """
        <body>
        """
      Then the request fails with 400 naming the field "<field>"
      And the task is unchanged

      Examples:
        | problem                  | body                                                          | field                |
        | has no issues            | {"message": "Scan is blurry"}                                 | body.issues          |
        | has an empty issues list | {"issues": []}                                                | body.issues          |
        | has issues of wrong type | {"issues": "poor_quality"}                                    | body.issues          |
        | has an issue sans label  | {"issues": [{"value": "poor_quality"}]}                       | body.issues.0.label  |
        | has an empty label       | {"issues": [{"label": "", "value": "poor_quality"}]}          | body.issues.0.label  |
        | has an unknown property  | {"issues": [{"label": "A", "value": "a"}], "severity": "high"} | body.severity        |

    Scenario: a report without a body is refused
      Given a REVIEWING task that is not approved
      When I send "POST" to "/v2/{team_id}/project/{project_id}/task/{task_id}/report"
      Then the request fails with 400 naming the field "body"

    Scenario: a report whose body is not JSON is refused
      Given a REVIEWING task that is not approved
      And I set the header "Content-Type" to "application/json"
      When I send "POST" to "/v2/{team_id}/project/{project_id}/task/{task_id}/report" with the body:
        """
        issues=poor_quality
        """
      Then the response status is 400
      And the JSON at "statusCode" is 400
      And the JSON at "message" matches "^Invalid request"

  Rule: What happens when you report (seen on the mock)

    @mock
    Scenario: a report is recorded and publishes task_reported
      Given a REVIEWING task that is not approved
      When I report the task with the issue "Poor Document Quality" "poor_quality"
      Then the request succeeds
      And the audit trail records "report" with my API key
      And a "task_reported" event is published for the task
