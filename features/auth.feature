Feature: Authentication and authorization
  Send "Authorization: Bearer <API key>". An API key belongs to one team and
  carries scopes; Get Task needs task.read, every other task operation needs
  task.edit. Checks run in this order, and the first failing check answers:
  401 (the key), 403 (another team, or a missing scope), 404 (the project or
  the task), 400 (the task's state). A request that breaks the contract (a
  path parameter that breaks its pattern, a bad body) is refused with 400
  after the key checks and before the lookups.

  Rule: A missing, malformed or unknown API key gets 401 "Invalid or missing API key"

    Scenario Outline: <operation> without an API key
      Given a REVIEWING task that is not approved
      And I send no API key
      When I <operation> the task
      Then the request fails with 401 "Invalid or missing API key"
      And the task is unchanged

      Examples:
        | operation  |
        | get        |
        | approve    |
        | disapprove |
        | complete   |
        | discard    |
        | report     |

    Scenario Outline: a malformed Authorization header: <case>
      Given a COMPLETED task that is not approved
      And I set the header "Authorization" to "<header>"
      When I approve the task
      Then the request fails with 401 "Invalid or missing API key"
      And the task is unchanged

      Examples:
        | case                   | header                 |
        | no token               | Bearer                 |
        | another scheme         | Basic {api_key}        |
        | no scheme              | {api_key}              |
        | two tokens             | Bearer {api_key} extra |

    Scenario Outline: <operation> with an unknown API key
      Given a COMPLETED task that is not approved
      And I use an unknown API key
      When I <operation> the task
      Then the request fails with 401 "Invalid or missing API key"
      And the task is unchanged

      Examples:
        | operation |
        | get       |
        | approve   |

  Rule: A key without the operation's scope, or of another team, gets 403

    Scenario Outline: <operation> with a key that lacks task.edit
      Given a COMPLETED task that is not approved
      And I use an API key without the "task.edit" scope
      When I <operation> the task
      Then the request fails with 403 "API key lacks the required scope: task.edit"
      And the task is unchanged

      Examples:
        | operation  |
        | approve    |
        | disapprove |
        | complete   |
        | discard    |
        | report     |

    Scenario: get with a key that lacks task.read
      Given a COMPLETED task that is not approved
      And I use an API key without the "task.read" scope
      When I get the task
      Then the request fails with 403 "API key lacks the required scope: task.read"

    Scenario Outline: <operation> with a key of another team
      Given a COMPLETED task that is not approved
      And I use an API key of another team
      When I <operation> the task
      Then the request fails with 403 "API key does not grant access to this team"
      And the task is unchanged

      Examples:
        | operation |
        | get       |
        | approve   |
        | discard   |

  Rule: An unknown project or task gets 404

    Scenario Outline: <operation> a task that does not exist
      When I <operation> a task that does not exist
      Then the request fails with 404 "Task not found"

      Examples:
        | operation  |
        | get        |
        | approve    |
        | disapprove |
        | complete   |
        | discard    |
        | report     |

    Scenario Outline: <operation> a task in a project that does not exist
      When I <operation> a task in a project that does not exist
      Then the request fails with 404 "Project not found"

      Examples:
        | operation |
        | get       |
        | approve   |

  Rule: The checks run in the documented order: 401, 403, request validation, 404, then the state rules

    Scenario: no key and an unknown task: 401 comes before 404
      Given I send no API key
      When I approve a task that does not exist
      Then the request fails with 401 "Invalid or missing API key"

    Scenario: an unknown key and another team's path: 401 comes before 403
      Given I use an unknown API key
      When I send "GET" to "/v2/team_not_mine/project/{project_id}/task/{unknown_task_id}"
      Then the request fails with 401 "Invalid or missing API key"

    Scenario: a key without task.edit and an unknown task: 403 comes before 404
      Given I use an API key without the "task.edit" scope
      When I approve a task that does not exist
      Then the request fails with 403 "API key lacks the required scope: task.edit"

    Scenario: another team's key and an unknown project: 403 comes before 404
      Given I use an API key of another team
      When I approve a task in a project that does not exist
      Then the request fails with 403 "API key does not grant access to this team"

    Scenario: a key without task.edit on a PROCESSING task: 403 comes before 400
      Given a PROCESSING task that is not approved
      And I use an API key without the "task.edit" scope
      When I approve the task
      Then the request fails with 403 "API key lacks the required scope: task.edit"

    Scenario: a malformed task id without a key: 401 comes before request validation
      Given I send no API key
      When I send "POST" to "/v2/{team_id}/project/{project_id}/task/task.bad!/approve"
      Then the request fails with 401 "Invalid or missing API key"

    Scenario: a malformed task id with a key that lacks task.edit: 403 comes before request validation
      Given I use an API key without the "task.edit" scope
      When I send "POST" to "/v2/{team_id}/project/{project_id}/task/task.bad!/approve"
      Then the request fails with 403 "API key lacks the required scope: task.edit"

    Scenario: a malformed task id in an unknown project: request validation comes before 404
      When I send "POST" to "/v2/{team_id}/project/{unknown_project_id}/task/task.bad!/approve"
      Then the request fails with 400 naming the field "path.task_id"

    Scenario: a bad report body for an unknown task: request validation comes before 404
      When I send "POST" to "/v2/{team_id}/project/{project_id}/task/{unknown_task_id}/report" with the body:
        """
        {"issues": []}
        """
      Then the request fails with 400 naming the field "body.issues"

    Scenario: a report without a key: 401 comes before request validation
      Given I send no API key
      When I send "POST" to "/v2/{team_id}/project/{project_id}/task/{unknown_task_id}/report" with the body:
        """
        {"issues": []}
        """
      Then the request fails with 401 "Invalid or missing API key"

    Scenario: a PROCESSING task looked up in an unknown project: 404 comes before the state rule
      Given a PROCESSING task that is not approved
      When I approve a task in a project that does not exist
      Then the request fails with 404 "Project not found"

    Scenario: a PROCESSING task in another team's project: 403 comes before the state rule
      Given a PROCESSING task that is approved
      And I use an API key of another team
      When I disapprove the task
      Then the request fails with 403 "API key does not grant access to this team"
      And the task is unchanged
