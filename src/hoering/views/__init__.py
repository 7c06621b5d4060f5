"""Read models: what people and programs read about hearings, each a frozen, typed object built
by one function in one read transaction, and rendered — never re-parsed — by the CLI, the web
pages, the API (the views are its response models), the flow artifacts, the mails and the
reports.

A closed hearing is read from its stored result record (``hoering.domain.result``, stored by
``close_hearing`` in ``hearing_result``), never recomputed from today's registry.

=====================================  ===============================  =========================================
view (module: function → type)          built from                        rendered by
=====================================  ===============================  =========================================
result: hearing_result → HearingResult  the stored record (open: tally)   ``hearing result [--json]``, API
                                                                          ``/hearings/{id}/result``, result mail
                                                                          (mail.notices.result_context), flow
                                                                          artifacts, secretariat page, orientation
status: hearing_status → HearingStatus  the result view                   ``hearing status [--json]``, API
                                                                          ``/hearings/{id}``
hearings: list_hearings → HearingSummary set-based (1-2 queries)          ``hearing list``, API ``/hearings``
hearings: overview → OverviewRow        set-based (3-4 queries)           ``/sekretariat`` (oversigt.html)
secretariat: hearing_detail →           result + status + audit trail     ``/sekretariat/hoering/{id}``
  HearingDetail                                                           (hoering.html)
report: hearing_report → HearingReport  the result view + definition      services.hearing_reports hands it to the
                                        texts + contacts + reopenings     notat (reports.notat) and the exports
answer_page: answer_page → AnswerPage   the token's kommune and answers   ``/svar/{token}``
director_status: status_items →         closed hearings' records,         the director's status mail
  StatusItems                           meetings, follow-ups              (services.outgoing.status)
=====================================  ===============================  =========================================

``record.live_record`` is the only place a result is computed from the registry and the answers;
``tallying`` feeds the pure tally from the database.
"""
