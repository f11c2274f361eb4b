@mock @clock
Feature: A document's life
  An upload makes one task per file. Each task starts PROCESSING; when
  processing ends it waits for review (REVIEWING), or, in a project set to
  process documents automatically, is COMPLETED at once. The upload follows
  its tasks: PROCESSING in the Inbox, IN_REVIEW once none is processing
  (notification upload.in_review), COMPLETED and moved to the Processed
  folder once every task is done (notification upload.processed).

  These scenarios move the mock's clock (start it with -clock=manual); each
  has a clock of its own. Processing takes the mock's -processing-delay
  (2 seconds unless set), which the steps read from the mock.

  Rule: An upload goes through review to COMPLETED

    Scenario: two files are uploaded and processed
      When I upload the files "invoice-1.pdf" and "invoice-2.pdf"
      Then the upload is created
      And the upload has 2 tasks
      And every task of the upload is PROCESSING
      And the upload's status is "PROCESSING"
      And the upload is in the "inbox" folder

    Scenario: after the processing delay the tasks wait for review
      When I upload the files "invoice-1.pdf" and "invoice-2.pdf"
      And the processing delay passes
      Then every task of the upload is REVIEWING
      And the upload's status is "IN_REVIEW"
      And the upload is in the "inbox" folder
      And an event "upload.in_review" was published for the upload
      And no event "upload.processed" was published for the upload

    Scenario: time that has not yet passed leaves the tasks PROCESSING
      When I upload 2 files
      And less than the processing delay passes
      Then every task of the upload is PROCESSING
      And the upload's status is "PROCESSING"
      And no event "upload.in_review" was published for the upload

    Scenario: the whole life of a document, from upload to approval
      When I upload the files "invoice-1.pdf" and "invoice-2.pdf"
      Then every task of the upload is PROCESSING
      And the upload's status is "PROCESSING"
      When the processing delay passes
      Then every task of the upload is REVIEWING
      And the upload's status is "IN_REVIEW"
      And an event "upload.in_review" was published for the upload
      When I complete each task of the upload
      Then every task of the upload is PROCESSING
      And the upload's status is "IN_REVIEW"
      When the processing delay passes
      Then every task of the upload is COMPLETED
      And the upload's status is "COMPLETED"
      And the upload is in the "processed" folder
      And an event "upload.processed" was published for the upload
      And a "task_completed" event is published for each task of the upload
      When I approve each task of the upload
      Then every task of the upload is approved
      And every task of the upload is COMPLETED
      And a "task_approved" event is published for each task of the upload

    Scenario: the upload is COMPLETED only once every task is done
      When I upload 2 files
      And the processing delay passes
      And I complete the first task of the upload
      Then the request succeeds
      And the task's status is "PROCESSING"
      When the processing delay passes
      And I get the first task of the upload
      Then the task's status is "COMPLETED"
      And the upload's status is "IN_REVIEW"
      And no event "upload.processed" was published for the upload
      When I complete the second task of the upload
      And the processing delay passes
      Then every task of the upload is COMPLETED
      And the upload's status is "COMPLETED"
      And an event "upload.processed" was published for the upload

    Scenario: a completed task shows PROCESSING until the delay has passed
      When I upload 1 file
      And the processing delay passes
      And I complete each task of the upload
      And less than the processing delay passes
      Then every task of the upload is PROCESSING
      And the upload's status is "IN_REVIEW"

  Rule: In a project set to auto-process, new tasks skip review

    Scenario: uploaded files go straight to COMPLETED
      Given the project is set to auto-process
      When I upload the files "receipt-1.pdf" and "receipt-2.pdf"
      Then every task of the upload is PROCESSING
      When the processing delay passes
      Then every task of the upload is COMPLETED
      And every task of the upload is not approved
      And the upload's status is "COMPLETED"
      And the upload is in the "processed" folder
      And an event "upload.processed" was published for the upload
      And no event "upload.in_review" was published for the upload
      And a "task_completed" event is published for each task of the upload

  Rule: A task that is still processing cannot be approved

    Scenario: approving a task that is PROCESSING after upload is refused
      When I upload the file "invoice.pdf"
      And I approve the first task of the upload
      Then the request fails with 400 "Task cannot be approved while being processed"
      And the task is unchanged
      And no event is published for the task

    Scenario: once processing has ended the task can be approved
      When I upload the file "invoice.pdf"
      And the processing delay passes
      And I approve the first task of the upload
      Then the request succeeds
      And the task is approved
      And the task's status is still REVIEWING
      And a "task_approved" event is published for the task
