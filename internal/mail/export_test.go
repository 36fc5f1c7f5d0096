package mail

// SetHook lets tests act at a stage of a send ("claimed", "before-data",
// "data-started"), e.g. stop the worker mid-conversation.
func (w *Worker) SetHook(h func(stage string, id int64)) { w.hook = h }
