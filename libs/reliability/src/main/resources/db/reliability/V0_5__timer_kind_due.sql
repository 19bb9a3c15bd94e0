-- The timer loop's next due instant, one seek per kind: min(due_at) over timer_due with the watermark gate as a filter
-- walks every gated timer beyond the horizon first (WatermarkGate#nextReadySql). Also the range of held timers.
CREATE INDEX timer_kind_due ON timer (kind, due_at) WHERE NOT parked;
