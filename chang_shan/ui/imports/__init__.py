"""导入居民: the window-modal wizard that brings the office's Excel workbooks in through the import
services (``chang_shan.imports``: ``plan_import`` reads and checks, ``apply_import`` writes).

``wizard.ImportWizard`` runs the flow (file → sheet and header → columns → check → import);
``pages`` lays out its steps, ``models`` holds the preview and problem tables, ``files`` the file
dialogs and the problem list written as CSV."""
