import { IConstruct } from 'constructs';
import { fail } from '../errors';

/**
 * The parameters PostgreSQL 16 accepts in postgresql.conf, `-c` flags and CloudNativePG's
 * `postgresql.parameters`: every name of `pg_settings` whose context is not `internal`.
 * Built from a PostgreSQL 15 server's `pg_settings` with the 16 release notes applied
 * (POSTGRES_16_CHANGES); test/postgres-server.test.ts re-derives it from a running 15 server.
 * @see https://www.postgresql.org/docs/16/runtime-config.html
 */
export const POSTGRES_16_PARAMETERS: ReadonlySet<string> = new Set([
  'allow_in_place_tablespaces', 'allow_system_table_mods', 'application_name',
  'archive_cleanup_command', 'archive_command', 'archive_library', 'archive_mode',
  'archive_timeout', 'array_nulls', 'authentication_timeout', 'autovacuum',
  'autovacuum_analyze_scale_factor', 'autovacuum_analyze_threshold', 'autovacuum_freeze_max_age',
  'autovacuum_max_workers', 'autovacuum_multixact_freeze_max_age', 'autovacuum_naptime',
  'autovacuum_vacuum_cost_delay', 'autovacuum_vacuum_cost_limit',
  'autovacuum_vacuum_insert_scale_factor', 'autovacuum_vacuum_insert_threshold',
  'autovacuum_vacuum_scale_factor', 'autovacuum_vacuum_threshold', 'autovacuum_work_mem',
  'backend_flush_after', 'backslash_quote', 'backtrace_functions', 'bgwriter_delay',
  'bgwriter_flush_after', 'bgwriter_lru_maxpages', 'bgwriter_lru_multiplier', 'bonjour',
  'bonjour_name', 'bytea_output', 'check_function_bodies', 'checkpoint_completion_target',
  'checkpoint_flush_after', 'checkpoint_timeout', 'checkpoint_warning',
  'client_connection_check_interval', 'client_encoding', 'client_min_messages', 'cluster_name',
  'commit_delay', 'commit_siblings', 'composite_type_mismatch', 'compute_query_id', 'config_file',
  'constraint_exclusion', 'cpu_index_tuple_cost', 'cpu_operator_cost', 'cpu_tuple_cost',
  'createrole_self_grant', 'cursor_tuple_fraction', 'data_directory', 'data_sync_retry',
  'DateStyle', 'db_user_namespace', 'deadlock_timeout', 'debug_discard_caches', 'debug_io_direct',
  'debug_logical_replication_streaming', 'debug_parallel_query', 'debug_pretty_print',
  'debug_print_parse', 'debug_print_plan', 'debug_print_rewritten', 'default_statistics_target',
  'default_table_access_method', 'default_tablespace', 'default_text_search_config',
  'default_toast_compression', 'default_transaction_deferrable', 'default_transaction_isolation',
  'default_transaction_read_only', 'dynamic_library_path', 'dynamic_shared_memory_type',
  'effective_cache_size', 'effective_io_concurrency', 'enable_async_append', 'enable_bitmapscan',
  'enable_gathermerge', 'enable_hashagg', 'enable_hashjoin', 'enable_incremental_sort',
  'enable_indexonlyscan', 'enable_indexscan', 'enable_material', 'enable_memoize',
  'enable_mergejoin', 'enable_nestloop', 'enable_parallel_append', 'enable_parallel_hash',
  'enable_partition_pruning', 'enable_partitionwise_aggregate', 'enable_partitionwise_join',
  'enable_presorted_aggregate', 'enable_seqscan', 'enable_sort', 'enable_tidscan',
  'escape_string_warning', 'event_source', 'exit_on_error', 'extension_destdir',
  'external_pid_file', 'extra_float_digits', 'from_collapse_limit', 'fsync', 'full_page_writes',
  'geqo', 'geqo_effort', 'geqo_generations', 'geqo_pool_size', 'geqo_seed', 'geqo_selection_bias',
  'geqo_threshold', 'gin_fuzzy_search_limit', 'gin_pending_list_limit', 'gss_accept_delegation',
  'hash_mem_multiplier', 'hba_file', 'hot_standby', 'hot_standby_feedback', 'huge_page_size',
  'huge_pages', 'icu_validation_level', 'ident_file', 'idle_in_transaction_session_timeout',
  'idle_session_timeout', 'ignore_checksum_failure', 'ignore_invalid_pages',
  'ignore_system_indexes', 'IntervalStyle', 'jit', 'jit_above_cost', 'jit_debugging_support',
  'jit_dump_bitcode', 'jit_expressions', 'jit_inline_above_cost', 'jit_optimize_above_cost',
  'jit_profiling_support', 'jit_provider', 'jit_tuple_deforming', 'join_collapse_limit',
  'krb_caseins_users', 'krb_server_keyfile', 'lc_messages', 'lc_monetary', 'lc_numeric', 'lc_time',
  'listen_addresses', 'lo_compat_privileges', 'local_preload_libraries', 'lock_timeout',
  'log_autovacuum_min_duration', 'log_checkpoints', 'log_connections', 'log_destination',
  'log_directory', 'log_disconnections', 'log_duration', 'log_error_verbosity',
  'log_executor_stats', 'log_file_mode', 'log_filename', 'log_hostname', 'log_line_prefix',
  'log_lock_waits', 'log_min_duration_sample', 'log_min_duration_statement',
  'log_min_error_statement', 'log_min_messages', 'log_parameter_max_length',
  'log_parameter_max_length_on_error', 'log_parser_stats', 'log_planner_stats',
  'log_recovery_conflict_waits', 'log_replication_commands', 'log_rotation_age',
  'log_rotation_size', 'log_startup_progress_interval', 'log_statement',
  'log_statement_sample_rate', 'log_statement_stats', 'log_temp_files', 'log_timezone',
  'log_transaction_sample_rate', 'log_truncate_on_rotation', 'logging_collector',
  'logical_decoding_work_mem', 'maintenance_io_concurrency', 'maintenance_work_mem',
  'max_connections', 'max_files_per_process', 'max_locks_per_transaction',
  'max_logical_replication_workers', 'max_parallel_apply_workers_per_subscription',
  'max_parallel_maintenance_workers', 'max_parallel_workers', 'max_parallel_workers_per_gather',
  'max_pred_locks_per_page', 'max_pred_locks_per_relation', 'max_pred_locks_per_transaction',
  'max_prepared_transactions', 'max_replication_slots', 'max_slot_wal_keep_size',
  'max_stack_depth', 'max_standby_archive_delay', 'max_standby_streaming_delay',
  'max_sync_workers_per_subscription', 'max_wal_senders', 'max_wal_size', 'max_worker_processes',
  'min_dynamic_shared_memory', 'min_parallel_index_scan_size', 'min_parallel_table_scan_size',
  'min_wal_size', 'old_snapshot_threshold', 'output_plugin_libraries',
  'parallel_leader_participation', 'parallel_setup_cost', 'parallel_tuple_cost',
  'password_encryption', 'plan_cache_mode', 'port', 'post_auth_delay', 'pre_auth_delay',
  'primary_conninfo', 'primary_slot_name', 'quote_all_identifiers', 'random_page_cost',
  'recovery_end_command', 'recovery_init_sync_method', 'recovery_min_apply_delay',
  'recovery_prefetch', 'recovery_target', 'recovery_target_action', 'recovery_target_inclusive',
  'recovery_target_lsn', 'recovery_target_name', 'recovery_target_time',
  'recovery_target_timeline', 'recovery_target_xid', 'recursive_worktable_factor',
  'remove_temp_files_after_crash', 'reserved_connections', 'restart_after_crash',
  'restore_command', 'restrict_nonsystem_relation_kind', 'row_security', 'scram_iterations',
  'search_path', 'send_abort_for_crash', 'send_abort_for_kill', 'seq_page_cost',
  'session_preload_libraries', 'session_replication_role', 'shared_buffers', 'shared_memory_type',
  'shared_preload_libraries', 'ssl', 'ssl_ca_file', 'ssl_cert_file', 'ssl_ciphers', 'ssl_crl_dir',
  'ssl_crl_file', 'ssl_dh_params_file', 'ssl_ecdh_curve', 'ssl_key_file',
  'ssl_max_protocol_version', 'ssl_min_protocol_version', 'ssl_passphrase_command',
  'ssl_passphrase_command_supports_reload', 'ssl_prefer_server_ciphers',
  'standard_conforming_strings', 'statement_timeout', 'stats_fetch_consistency',
  'superuser_reserved_connections', 'synchronize_seqscans', 'synchronous_commit',
  'synchronous_standby_names', 'syslog_facility', 'syslog_ident', 'syslog_sequence_numbers',
  'syslog_split_messages', 'tcp_keepalives_count', 'tcp_keepalives_idle',
  'tcp_keepalives_interval', 'tcp_user_timeout', 'temp_buffers', 'temp_file_limit',
  'temp_tablespaces', 'TimeZone', 'timezone_abbreviations', 'trace_notify',
  'trace_recovery_messages', 'trace_sort', 'track_activities', 'track_activity_query_size',
  'track_commit_timestamp', 'track_counts', 'track_functions', 'track_io_timing',
  'track_wal_io_timing', 'transaction_deferrable', 'transaction_isolation',
  'transaction_read_only', 'transform_null_equals', 'unix_socket_directories', 'unix_socket_group',
  'unix_socket_permissions', 'update_process_title', 'vacuum_buffer_usage_limit',
  'vacuum_cost_delay', 'vacuum_cost_limit', 'vacuum_cost_page_dirty', 'vacuum_cost_page_hit',
  'vacuum_cost_page_miss', 'vacuum_failsafe_age', 'vacuum_freeze_min_age',
  'vacuum_freeze_table_age', 'vacuum_multixact_failsafe_age', 'vacuum_multixact_freeze_min_age',
  'vacuum_multixact_freeze_table_age', 'wal_buffers', 'wal_compression',
  'wal_consistency_checking', 'wal_decode_buffer_size', 'wal_init_zero', 'wal_keep_size',
  'wal_level', 'wal_log_hints', 'wal_receiver_create_temp_slot', 'wal_receiver_status_interval',
  'wal_receiver_timeout', 'wal_recycle', 'wal_retrieve_retry_interval', 'wal_sender_timeout',
  'wal_skip_threshold', 'wal_sync_method', 'wal_writer_delay', 'wal_writer_flush_after',
  'work_mem', 'xmlbinary', 'xmloption', 'zero_damaged_pages',
]);

/** Read-only parameters (context `internal`): reported by SHOW, never settable. */
export const POSTGRES_16_READ_ONLY: ReadonlySet<string> = new Set([
  'block_size', 'data_checksums', 'data_directory_mode', 'debug_assertions', 'in_hot_standby',
  'integer_datetimes', 'max_function_args', 'max_identifier_length', 'max_index_keys',
  'segment_size', 'server_encoding', 'server_version', 'server_version_num', 'shared_memory_size',
  'shared_memory_size_in_huge_pages', 'ssl_library', 'wal_block_size', 'wal_segment_size',
]);

/** How the parameter names of PostgreSQL 16 differ from 15 (release notes of 16). */
export const POSTGRES_16_CHANGES = {
  added: ['createrole_self_grant', 'debug_io_direct', 'debug_logical_replication_streaming', 'debug_parallel_query', 'enable_presorted_aggregate', 'gss_accept_delegation', 'icu_validation_level', 'max_parallel_apply_workers_per_subscription', 'reserved_connections', 'scram_iterations', 'send_abort_for_crash', 'send_abort_for_kill', 'vacuum_buffer_usage_limit'],
  removed: ['force_parallel_mode', 'promote_trigger_file', 'vacuum_defer_cleanup_age'],
  removedReadOnly: ['lc_collate', 'lc_ctype'],
  /** Added by later point releases of 15 and 16: an older minor server does not know them yet. */
  pointReleaseAdditions: ['composite_type_mismatch', 'output_plugin_libraries'],
} as const;

/**
 * Parameters CloudNativePG sets itself and refuses in `postgresql.parameters`: its instance
 * manager owns the listen address, port, paths, logging, archiving, TLS and replication.
 * @see https://cloudnative-pg.io/documentation/current/postgresql_conf/#fixed-parameters
 */
export const CNPG_FIXED_PARAMETERS: ReadonlySet<string> = new Set([
  'allow_system_table_mods', 'archive_cleanup_command', 'archive_command', 'archive_mode', 'archive_timeout',
  'bonjour', 'bonjour_name', 'cluster_name', 'config_file', 'data_directory', 'data_sync_retry', 'event_source',
  'external_pid_file', 'full_page_writes', 'hba_file', 'hot_standby', 'ident_file', 'jit_provider', 'listen_addresses',
  'log_destination', 'log_directory', 'log_file_mode', 'log_filename', 'log_rotation_age', 'log_rotation_size',
  'log_truncate_on_rotation', 'logging_collector', 'port', 'primary_conninfo', 'primary_slot_name',
  'recovery_end_command', 'recovery_min_apply_delay', 'recovery_target', 'recovery_target_action',
  'recovery_target_inclusive', 'recovery_target_lsn', 'recovery_target_name', 'recovery_target_time',
  'recovery_target_timeline', 'recovery_target_xid', 'restart_after_crash', 'restore_command', 'ssl',
  'ssl_ca_file', 'ssl_cert_file', 'ssl_ciphers', 'ssl_crl_file', 'ssl_dh_params_file', 'ssl_ecdh_curve',
  'ssl_key_file', 'ssl_max_protocol_version', 'ssl_min_protocol_version', 'ssl_passphrase_command',
  'ssl_passphrase_command_supports_reload', 'ssl_prefer_server_ciphers', 'synchronous_standby_names',
  'syslog_facility', 'syslog_ident', 'syslog_sequence_numbers', 'syslog_split_messages',
  'unix_socket_directories', 'unix_socket_group', 'unix_socket_permissions', 'wal_receiver_create_temp_slot',
]);

/**
 * Checks `postgresql.conf` parameters: names PostgreSQL 16 knows and may set (or `prefix.name`
 * of an extension), values as non-empty single-line strings. `fixed` lists parameters the runtime
 * sets itself.
 */
export function checkParameters(scope: IConstruct, field: string, parameters: Record<string, string>, fixed: ReadonlySet<string> = new Set()): Record<string, string> {
  for (const [name, value] of Object.entries(parameters)) {
    const at = `${field}.${name}`;
    if (POSTGRES_16_READ_ONLY.has(name)) fail(scope, at, 'is a read-only PostgreSQL parameter');
    if (!POSTGRES_16_PARAMETERS.has(name) && !/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/.test(name)) {
      fail(scope, at, 'is not a PostgreSQL 16 parameter');
    }
    if (fixed.has(name)) fail(scope, at, 'is set by CloudNativePG itself and cannot be overridden');
    if (typeof value !== 'string' || value === '' || /[\n\r]/.test(value)) {
      fail(scope, at, `value must be a non-empty single-line string (got ${JSON.stringify(value)})`);
    }
  }
  return parameters;
}
