Feature: Disapprove Task
  Remove a task's approval and unlearn it from the model: the mirror of
  Approve Task.

  POST /v2/{team_id}/project/{project_id}/task/{task_id}/disapprove needs an
  API key with the task.edit scope and no request body. It returns the full
  public task object with approved: false.

  Rule: Tasks can be disapproved in any state except PROCESSING, and disapproving leaves the status alone

    Scenario Outline: an approved <status> task can be disapproved and keeps its status
      Given a <status> task that is approved
      When I disapprove the task
      Then the request succeeds
      And the task is not approved
      And the task's status is still <status>

      Examples:
        | status    |
        | REVIEWING |
        | COMPLETED |
        | FAILED    |
        | DISCARDED |
        | FILTERED  |

    Scenario: an approved PROCESSING task cannot be disapproved
      Given a PROCESSING task that is approved
      When I disapprove the task
      Then the request fails with 400 "Task cannot be disapproved while being processed"
      And the task is unchanged

    Scenario: a PROCESSING task that is not approved gets the processing error first
      Given a PROCESSING task that is not approved
      When I disapprove the task
      Then the request fails with 400 "Task cannot be disapproved while being processed"
      And the task is unchanged

  Rule: A task cannot be disapproved when it is not approved

    Scenario: disapproving a task that is not approved fails
      Given a COMPLETED task that is not approved
      When I disapprove the task
      Then the request fails with 400 "Task is already disapproved"
      And the task is unchanged

    Scenario: the second disapproval of the same task fails
      Given a REVIEWING task that is approved
      When I disapprove the task
      Then the request succeeds
      When I disapprove the task
      Then the request fails with 400 "Task is already disapproved"

    Scenario: Get Task after disapproving shows the task not approved
      Given a COMPLETED task that is approved
      When I disapprove the task
      And I get the task
      Then the request succeeds
      And the task is not approved
      And the task's status is still COMPLETED

  Rule: What happens when you disapprove: audit trail, AI unlearning, lifecycle event (seen on the mock)

    @mock
    Scenario: approve then disapprove takes the task out of the training dataset
      Given a COMPLETED task that is not approved
      When I approve the task
      Then the task is in the training dataset
      When I disapprove the task
      Then the request succeeds
      And the audit trail records "disapprove" with my API key
      And the task is not in the training dataset
      And a "task_disapproved" event is published for the task
