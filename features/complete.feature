Feature: Complete Task
  Completes a task that is in review and moves it to the next step of the
  pipeline: the task shows PROCESSING, then carries on (to COMPLETED).

  POST /v2/{team_id}/project/{project_id}/task/{task_id}/complete needs an API
  key with the task.edit scope and no request body. It answers the task with
  the message "Task processing started".

  Rule: Only tasks in REVIEWING state can be completed

    Scenario: a REVIEWING task is completed and shows PROCESSING
      Given a REVIEWING task that is not approved
      When I complete the task
      Then the request succeeds
      And the task's status is "PROCESSING"
      And the response message is "Task processing started"
      And the task is not approved

    Scenario: completing keeps the approval
      Given a REVIEWING task that is approved
      When I complete the task
      Then the request succeeds
      And the task is approved
      And the response message is "Task processing started"

    Scenario: Get Task after completing shows the task moving on
      Given a REVIEWING task that is not approved
      When I complete the task
      And I get the task
      Then the request succeeds
      And the JSON at "payload.status" matches "^(PROCESSING|COMPLETED)$"

    Scenario Outline: a <status> task cannot be completed
      Given a <status> task that is not approved
      When I complete the task
      Then the request fails with 400 "Only tasks in REVIEWING state can be completed"
      And the task is unchanged

      Examples:
        | status     |
        | PROCESSING |
        | COMPLETED  |
        | FAILED     |
        | DISCARDED  |
        | FILTERED   |

    Scenario: a task cannot be completed twice
      Given a REVIEWING task that is not approved
      When I complete the task
      Then the request succeeds
      When I complete the task
      Then the request fails with 400 "Only tasks in REVIEWING state can be completed"

  Rule: What happens when you complete (seen on the mock)

    @mock
    Scenario: completing is recorded in the audit trail
      Given a REVIEWING task that is not approved
      When I complete the task
      Then the request succeeds
      And the audit trail records "complete" with my API key

    @mock @clock
    Scenario: a completed task carries on to COMPLETED and publishes task_completed
      Given a REVIEWING task that is not approved
      When I complete the task
      And the processing delay passes
      And I get the task
      Then the task's status is "COMPLETED"
      And a "task_completed" event is published for the task
