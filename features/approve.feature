Feature: Approve Task
  Approve a task to flag it for AI model learning. When you approve a task,
  its data becomes part of the training dataset to improve future predictions.

  POST /v2/{team_id}/project/{project_id}/task/{task_id}/approve needs an API
  key with the task.edit scope and no request body. It returns the full
  public task object with approved: true.

  Rule: Tasks can be approved in any state except PROCESSING, and approving leaves the status alone

    Scenario Outline: a <status> task can be approved and keeps its status
      Given a <status> task that is not approved
      When I approve the task
      Then the request succeeds
      And the task is approved
      And the task's status is still <status>

      Examples:
        | status    |
        | REVIEWING |
        | COMPLETED |
        | FAILED    |
        | DISCARDED |
        | FILTERED  |

    Scenario: a PROCESSING task cannot be approved
      Given a PROCESSING task that is not approved
      When I approve the task
      Then the request fails with 400 "Task cannot be approved while being processed"
      And the task is unchanged

    Scenario: a PROCESSING task that is already approved gets the processing error first
      Given a PROCESSING task that is approved
      When I approve the task
      Then the request fails with 400 "Task cannot be approved while being processed"
      And the task is unchanged

    Scenario: exported tasks can be approved
      Given an exported COMPLETED task that is not approved
      When I approve the task
      Then the request succeeds
      And the task is approved
      And the task's status is still COMPLETED
      And the JSON at "payload.exported_at" matches "^\d{4}-\d{2}-\d{2}T"

  Rule: A task cannot be approved when it is already approved

    Scenario: approving an approved task fails
      Given a COMPLETED task that is approved
      When I approve the task
      Then the request fails with 400 "Task is already approved"
      And the task is unchanged

    Scenario: the second approval of the same task fails
      Given a COMPLETED task that is not approved
      When I approve the task
      Then the request succeeds
      When I approve the task
      Then the request fails with 400 "Task is already approved"

  Rule: The approval is part of the task

    Scenario: Get Task after approving shows the approval
      Given a FAILED task that is not approved
      When I approve the task
      And I get the task
      Then the request succeeds
      And the task is approved
      And the task's status is still FAILED

    Scenario: a disapproved task can be approved again
      Given a COMPLETED task that is approved
      When I disapprove the task
      Then the request succeeds
      And the task is not approved
      When I approve the task
      Then the request succeeds
      And the task is approved

    Scenario: the response is the full public task object in its envelope
      Given a COMPLETED task that is not approved
      When I approve the task
      Then the request succeeds
      And the JSON at "payload" is of type "object"
      And the JSON at "payload.approved" is true
      And the JSON at "payload.status" is "COMPLETED"
      And the JSON at "payload.project_id" is "{project_id}"
      And the JSON at "payload.pages" is of type "array"
      And the JSON at "payload.exported_at" exists

  Rule: What happens when you approve: audit trail, AI learning, lifecycle event (seen on the mock)

    @mock
    Scenario: approving records the API key, adds the task to the training dataset and publishes task_approved
      Given a COMPLETED task that is not approved
      When I approve the task
      Then the request succeeds
      And the audit trail records "approve" with my API key
      And the task is in the training dataset
      And a "task_approved" event is published for the task

    @mock
    Scenario: a refused approval records nothing
      Given a PROCESSING task that is not approved
      When I approve the task
      Then the request fails with 400 "Task cannot be approved while being processed"
      And the audit trail has no entry for the task
      And the task is not in the training dataset
      And no event is published for the task

    @mock
    Scenario: approving the docs' example task answers the docs' example response
      Given a COMPLETED task that is not approved
      When I approve the task
      Then the request succeeds
      And the response matches the spec example "ApprovedTask" except "payload.id"
