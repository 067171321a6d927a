-- listen (tasker_listen)
LISTEN "tasker_ready_tasker";
