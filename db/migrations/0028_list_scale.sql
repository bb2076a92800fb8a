-- Indexes for the lists at national-history scale (200 000 cases,
-- 1 000 000 persons): each filter of the case list with the default
-- order (newest number first), so its page walks the filter's cases in
-- that order and stops after the page instead of sorting them all; the
-- "mine" filter's owner organization likewise; the consultation queue's
-- status filter in queue order, and the open queue (new and in progress:
-- the newest few of many) walked alone in queue order.
CREATE INDEX IF NOT EXISTS nmt_case_region_number ON nmt_case(region, number, id);
CREATE INDEX IF NOT EXISTS nmt_case_status_number ON nmt_case(status, number, id);
CREATE INDEX IF NOT EXISTS nmt_case_county_number ON nmt_case(county, number, id);
CREATE INDEX IF NOT EXISTS nmt_case_owner_number ON nmt_case(owner_org, number, id);
CREATE INDEX IF NOT EXISTS consultation_status ON consultation(status, queue_key, id);
CREATE INDEX IF NOT EXISTS consultation_open ON consultation(queue_key, id)
    WHERE status IN ('new', 'in_progress');
