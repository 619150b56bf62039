"""The archive on OpenSearch: its pages exported as an index mapping and bulk files
(`export`), and searched there with the archive's own query language (`translate`, `client`).

Nothing here imports the OpenSearch client but `client`, and only when a search asks for it
(`archive search --opensearch URL`): the export writes files and needs no client at all.
"""
