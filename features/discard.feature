Feature: Discard Task
  Discard a task that is in review: it becomes DISCARDED. For tasks in any
  other state the call will be ignored.

  POST /v2/{team_id}/project/{project_id}/task/{task_id}/discard needs an API
  key with the task.edit scope and no request body. It returns the task.

  Rule: Only tasks in REVIEWING state are discarded

    Scenario: a REVIEWING task becomes DISCARDED
      Given a REVIEWING task that is not approved
      When I discard the task
      Then the request succeeds
      And the task's status is "DISCARDED"
      And the task is not approved

    Scenario: Get Task after discarding shows DISCARDED
      Given a REVIEWING task that is approved
      When I discard the task
      And I get the task
      Then the request succeeds
      And the task's status is "DISCARDED"
      And the task is approved

  Rule: For tasks in any other state the call is ignored: 200 and the task unchanged

    Scenario Outline: discarding a <status> task is ignored
      Given a <status> task that is not approved
      When I discard the task
      Then the request succeeds
      And the response shows the task unchanged
      And the task is unchanged

      Examples:
        | status     |
        | PROCESSING |
        | COMPLETED  |
        | FAILED     |
        | DISCARDED  |
        | FILTERED   |

  Rule: What happens when you discard (seen on the mock)

    @mock
    Scenario: discarding publishes task_discarded
      Given a REVIEWING task that is not approved
      When I discard the task
      Then the request succeeds
      And the audit trail records "discard" with my API key
      And a "task_discarded" event is published for the task

    @mock
    Scenario: an ignored discard records nothing
      Given a COMPLETED task that is not approved
      When I discard the task
      Then the request succeeds
      And the audit trail has no entry for the task
      And no event is published for the task
