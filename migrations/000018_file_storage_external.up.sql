-- Stored files are read back in slices (substring) so a download holds a
-- bounded buffer. With EXTERNAL storage PostgreSQL keeps them out of line and
-- uncompressed, and fetches only the slice asked for; the accepted formats
-- (PDF, ODT, DOCX, XLSX, PNG, JPEG) are compressed already. Applies to rows
-- written from now on.
ALTER TABLE measurement_attachments ALTER COLUMN data SET STORAGE EXTERNAL;
ALTER TABLE relazione_validations ALTER COLUMN document SET STORAGE EXTERNAL;
