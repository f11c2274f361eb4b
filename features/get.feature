Feature: Get Task
  Returns the full public task object, including its pages and their
  annotations, checkboxes, segments and signatures. Use it to check a task's
  current status and approval state.

  GET /v2/{team_id}/project/{project_id}/task/{task_id} needs an API key with
  the task.read scope.

  Rule: Get Task returns the task, wrapped in its envelope

    Scenario Outline: a <status> task that is <approval> is returned as it is
      Given a <status> task that is <approval>
      When I get the task
      Then the request succeeds
      And the task's status is "<status>"
      And the JSON at "payload.approved" is <approved>

      Examples:
        | status     | approval     | approved |
        | REVIEWING  | not approved | false    |
        | PROCESSING | not approved | false    |
        | PROCESSING | approved     | true     |
        | COMPLETED  | not approved | false    |
        | COMPLETED  | approved     | true     |
        | FAILED     | not approved | false    |
        | DISCARDED  | approved     | true     |
        | FILTERED   | not approved | false    |

    Scenario: the task object carries every documented field
      Given a COMPLETED task that is not approved
      When I get the task
      Then the request succeeds
      And the JSON at "payload.id" is "{task_id}"
      And the JSON at "payload.project_id" is "{project_id}"
      And the JSON at "payload.name" is of type "string"
      And the JSON at "payload.created_at" matches "^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"
      And the JSON at "payload.meta" is of type "array"
      And the JSON at "payload.step_type" is of type "string"
      And the JSON at "payload.upload_id" is of type "string"
      And the JSON at "payload.exported_at" exists
      And the JSON at "payload.export_failed_at" exists
      And the JSON at "payload.last_opened_at" exists
      And the JSON at "payload.pages" is of type "array"

    Scenario: an exported task shows when it was exported
      Given an exported COMPLETED task that is not approved
      When I get the task
      Then the request succeeds
      And the JSON at "payload.exported_at" matches "^\d{4}-\d{2}-\d{2}T"

    Scenario: getting a task changes nothing
      Given a REVIEWING task that is approved
      When I get the task
      Then the request succeeds
      And the response shows the task unchanged
      And the task is unchanged

    Scenario: a key with only the task.read scope can get the task
      Given a COMPLETED task that is not approved
      And I use an API key without the "task.edit" scope
      When I get the task
      Then the request succeeds
