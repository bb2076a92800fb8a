-- An organization's active tasks on one case, asked at every task write to
-- keep the organization's team row (store_task_best in
-- src/db/store_task.c): by case and organization, so SQLite no longer
-- walks every task of the receiving organization (task_to) to find them.
CREATE INDEX task_case_org ON task(case_id, to_org, status);
