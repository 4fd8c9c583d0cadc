/* attention-fetch.c: one file's transfer: the session's settings, the
 * GET with its redirects followed by hand (the hub's own answer carries the
 * size and sha256 of an LFS file in X-Linked-Size and X-Linked-ETag, the
 * CDN's answer does not), the Range request that resumes NAME.part, the
 * size and sha256 checks, and errors that say what happened. */

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "attention-fetch.h"
#include "attention-hub-names.h"

#include "attention-download-error.h"
#include "attention-escape.h"
#include "attention-fetch-watchdog.h"

#define MAX_REDIRECTS 10
#define BUFFER_SIZE (256 * 1024)
/* config.json, vocab.txt and the other small files: bert-base-multilingual's
 * vocab.txt, the biggest, is 972 KiB. Bounded while they stream. */
#define MAX_SMALL_FILE (1024 * 1024)

SoupSession *
attention_fetch_session_new (guint timeout)
{
  g_autofree char *user_agent = g_strdup_printf ("attention/%s", PACKAGE_VERSION);
  /* "timeout" bounds connecting, waiting for the answer and every read of
   * the body: a stalled server fails after that many seconds. */
  SoupSession *session = soup_session_new_with_options ("timeout", timeout, "idle-timeout", timeout,
                                                        "user-agent", user_agent, NULL);

  /* Identity encoding only: sizes, ranges and checksums are about the file's
   * bytes, and a gzip answer's Content-Length is not its size. */
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  return session;
}

/* --- errors ---------------------------------------------------------------- */

static char *
host_of (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : url);
}

/* soup_session_send() failed: no answer at all. */
static void
set_send_error (const AttentionFetchOptions *options,
                AttentionWatchdog *dog,
                const char *url,
                GError *cause,
                GError **error)
{
  g_autofree char *host = host_of (url);

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      attention_watchdog_get_verdict (dog) != ATTENTION_WATCHDOG_OK)
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_TIMEOUT,
                 _ ("%s did not finish its answer within %u seconds: the server is too slow"), host,
                 attention_watchdog_get_window (dog));
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (cause));
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_TIMEOUT,
                 _ ("%s did not answer within %u seconds"), host,
                 soup_session_get_timeout (options->session));
  else
    {
      g_autofree char *reason = attention_escape_text (cause->message, FALSE);

      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NETWORK,
                   _ ("Cannot reach %s: check your network connection (%s)"), host, reason);
    }
}

/* --- one file -------------------------------------------------------------- */

static gint64
header_int64 (SoupMessageHeaders *headers, const char *name)
{
  const char *value = soup_message_headers_get_one (headers, name);
  guint64 n;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, &n, NULL))
    return -1;
  return n;
}

typedef struct
{
  SoupMessage *message; /* the final answer */
  GInputStream *body;
  gint64 linked_size; /* the hub's X-Linked-Size, -1 without */
  char *sha256;       /* the hub's X-Linked-ETag/ETag when it is a sha256 */
  char *linked_etag;  /* X-Linked-ETag as sent, when it is there */
  char *git_sha1;     /* the first answer's ETag when it is a git blob sha1 */
  char *etag;         /* the first answer's ETag value, whatever it is */
} Answer;

static void
answer_clear (Answer *answer)
{
  if (answer->body != NULL)
    g_input_stream_close (answer->body, NULL, NULL);
  g_clear_object (&answer->body);
  g_clear_object (&answer->message);
  g_clear_pointer (&answer->sha256, g_free);
  g_clear_pointer (&answer->linked_etag, g_free);
  g_clear_pointer (&answer->git_sha1, g_free);
  g_clear_pointer (&answer->etag, g_free);
}

/* What names this version of the file, for resuming: its sha256, else its
 * ETag. NULL when the server gave neither. */
static const char *
answer_identity (const Answer *answer)
{
  return answer->sha256 != NULL ? answer->sha256 : answer->etag;
}

/* TRUE if A and B have the same scheme, host and port. The token goes to the
 * hub only: a redirect elsewhere (the CDN's signed address) gets none, as
 * huggingface_hub's requests drops it when the host changes. */
static gboolean
same_origin (const char *a, const char *b)
{
  g_autoptr (GUri) ua = g_uri_parse (a, G_URI_FLAGS_NONE, NULL);
  g_autoptr (GUri) ub = g_uri_parse (b, G_URI_FLAGS_NONE, NULL);

  return ua != NULL && ub != NULL && g_uri_get_host (ua) != NULL && g_uri_get_host (ub) != NULL &&
         g_ascii_strcasecmp (g_uri_get_scheme (ua), g_uri_get_scheme (ub)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (ua), g_uri_get_host (ub)) == 0 &&
         g_uri_get_port (ua) == g_uri_get_port (ub);
}

/* GETs URL from OFFSET, following redirects; keeps the first size and sha256
 * the chain announces. */
static gboolean
request (const AttentionFetchOptions *options,
         AttentionWatchdog *dog,
         const char *url,
         gint64 offset,
         Answer *answer,
         GError **error)
{
  g_autofree char *current = g_strdup (url);

  answer->linked_size = -1;
  for (int hop = 0; hop <= MAX_REDIRECTS; hop++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (SoupMessage) message = soup_message_new (SOUP_METHOD_GET, current);
      g_autoptr (GInputStream) body = NULL;
      SoupMessageHeaders *headers;
      const char *location;
      guint status;

      if (message == NULL)
        {
          g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NETWORK,
                       _ ("Not a valid address: %s"), current);
          return FALSE;
        }
      soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
      headers = soup_message_get_request_headers (message);
      /* As huggingface_hub asks: the file's own bytes, never a compressed
       * form whose length is not the file's. */
      soup_message_headers_replace (headers, "Accept-Encoding", "identity");
      if (options->token != NULL && same_origin (current, options->hub_url))
        {
          g_autofree char *value = g_strconcat ("Bearer ", options->token, NULL);

          soup_message_headers_replace (headers, "Authorization", value);
        }
      if (offset > 0)
        soup_message_headers_set_range (headers, offset, -1);
      attention_watchdog_expect_answer (dog);
      body = soup_session_send (options->session, message, attention_watchdog_get_cancellable (dog),
                                &local_error);
      if (body == NULL)
        {
          set_send_error (options, dog, current, local_error, error);
          return FALSE;
        }
      headers = soup_message_get_response_headers (message);
      status = soup_message_get_status (message);
      if (answer->linked_size < 0)
        answer->linked_size = header_int64 (headers, "X-Linked-Size");
      if (answer->linked_etag == NULL &&
          soup_message_headers_get_one (headers, "X-Linked-ETag") != NULL)
        answer->linked_etag = g_strdup (soup_message_headers_get_one (headers, "X-Linked-ETag"));
      if (answer->sha256 == NULL)
        answer->sha256 =
            attention_hub_etag_sha256 (soup_message_headers_get_one (headers, "X-Linked-ETag"));
      /* The hub's own ETag of an LFS file is its sha256 too, and that of
       * any other file its git blob sha1; a CDN's is neither, so only the
       * first answer that has one counts (a renamed repository's 307 has
       * none). */
      if (answer->etag == NULL && soup_message_headers_get_one (headers, "ETag") != NULL)
        {
          const char *etag = soup_message_headers_get_one (headers, "ETag");

          if (answer->sha256 == NULL)
            answer->sha256 = attention_hub_etag_sha256 (etag);
          answer->git_sha1 = attention_hub_etag_git_sha1 (etag);
          answer->etag = attention_hub_etag_value (etag);
        }

      location = soup_message_headers_get_one (headers, "Location");
      if (SOUP_STATUS_IS_REDIRECTION (status) && location != NULL)
        {
          g_autoptr (GUri) base = g_uri_parse (current, G_URI_FLAGS_NONE, NULL);
          g_autoptr (GUri) next = NULL;

          next =
              base != NULL ? g_uri_parse_relative (base, location, G_URI_FLAGS_NONE, NULL) : NULL;
          /* Only HTTP(S) onwards: libsoup has no business with file:// or
           * data: (it would complain on the terminal before failing). */
          if (next == NULL || (g_strcmp0 (g_uri_get_scheme (next), "http") != 0 &&
                               g_strcmp0 (g_uri_get_scheme (next), "https") != 0))
            {
              g_autofree char *shown = attention_escape_text (location, FALSE);

              g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_HTTP,
                           _ ("The hub redirected to an invalid address: %s"), shown);
              return FALSE;
            }
          g_input_stream_close (body, NULL, NULL);
          g_free (current);
          current = g_uri_to_string (next);
          continue;
        }
      answer->message = g_steal_pointer (&message);
      answer->body = g_steal_pointer (&body);
      return TRUE;
    }
  g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_HTTP,
               _ ("Too many redirects for %s"), url);
  return FALSE;
}

/* A failed status: NOT_FOUND (the caller may accept it for an optional
 * file), GATED or HTTP. The hub says why in X-Error-Code: RepoNotFound
 * (401, for unknown and private repositories alike), GatedRepo (401 without
 * a token, 403 with one that has no access), EntryNotFound (404). */
static void
set_status_error (const AttentionFetchOptions *options,
                  const char *name,
                  SoupMessage *message,
                  GError **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  guint status = soup_message_get_status (message);
  const char *code = soup_message_headers_get_one (headers, "X-Error-Code");
  /* The server's words, shown as text: no terminal escapes. */
  g_autofree char *reason = attention_escape_text (soup_message_get_reason_phrase (message), FALSE);
  const char *words = soup_message_headers_get_one (headers, "X-Error-Message");
  g_autofree char *message_text = words != NULL ? attention_escape_text (words, FALSE) : NULL;

  if (g_strcmp0 (code, "GatedRepo") == 0 && options->token == NULL)
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_GATED,
                 _ ("“%s” is gated: accept its terms on huggingface.co and use a token "
                    "(HF_TOKEN)"),
                 options->model_id);
  else if (g_strcmp0 (code, "GatedRepo") == 0)
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_GATED,
                 _ ("“%s” is gated and your token (HF_TOKEN) has no access yet: accept its terms "
                    "on huggingface.co"),
                 options->model_id);
  else if (g_strcmp0 (code, "RepoNotFound") == 0 ||
           (status == SOUP_STATUS_UNAUTHORIZED && code == NULL))
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_FOUND,
                 _ ("No public model named “%s”"), options->model_id);
  else if (g_strcmp0 (code, "EntryNotFound") == 0 || status == SOUP_STATUS_NOT_FOUND)
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_FOUND,
                 _ ("The hub's “%s” has no file %s"), options->model_id, name);
  else if (message_text != NULL && message_text[0] != '\0')
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_HTTP,
                 _ ("The hub answered %u %s for %s: %s"), status, reason, name, message_text);
  else
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_HTTP,
                 _ ("The hub answered %u %s for %s"), status, reason, name);
}

static gboolean
hash_existing (const char *path, gint64 length, GChecksum *checksum, GError **error)
{
  g_autofree guchar *buffer = g_malloc (BUFFER_SIZE);
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gint64 left = length;

  if (fd < 0)
    return attention_download_set_errno_error (error, _ ("Could not read %s: %s"), path, errno);
  while (left > 0)
    {
      gssize n = read (fd, buffer, MIN (left, BUFFER_SIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : EIO;

          close (fd);
          return attention_download_set_errno_error (error, _ ("Could not read %s: %s"), path,
                                                     saved);
        }
      g_checksum_update (checksum, buffer, n);
      left -= n;
    }
  close (fd);
  return TRUE;
}

static gboolean
write_all (int fd, const guchar *data, gsize len, const char *path, GError **error)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return attention_download_set_errno_error (error, _ ("Could not write %s: %s"), path,
                                                   errno);
      data += n;
      len -= n;
    }
  return TRUE;
}

static gboolean
check_free_space (const char *dir, gint64 needed, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (dir);
  g_autoptr (GFileInfo) info = NULL;
  guint64 free_bytes;

  info = g_file_query_filesystem_info (file, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);
  if (info == NULL || !g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE))
    return TRUE;
  free_bytes = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE);
  if (needed > 0 && (guint64)needed > free_bytes)
    {
      g_autofree char *need = g_format_size (needed);
      g_autofree char *have = g_format_size (free_bytes);

      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_DISK,
                   _ ("Not enough disk space in %s: %s needed, %s free"), dir, need, have);
      return FALSE;
    }
  return TRUE;
}

/* Streams the answer into PART (already OFFSET bytes long), at most LIMIT
 * bytes in all (-1: no limit). */
static AttentionFetchResult
receive (const AttentionFetchOptions *options,
         AttentionWatchdog *dog,
         const char *name,
         const char *part,
         Answer *answer,
         gint64 offset,
         gint64 expected,
         gint64 limit,
         GError **error)
{
  g_autofree guchar *buffer = g_malloc (BUFFER_SIZE);
  g_autoptr (GChecksum) checksum = NULL;
  g_autofree char *host = NULL;
  g_autofree char *uri = NULL;
  gint64 received = offset;
  int fd;

  if (answer->sha256 != NULL)
    {
      checksum = g_checksum_new (G_CHECKSUM_SHA256);
      if (offset > 0 && !hash_existing (part, offset, checksum, error))
        return ATTENTION_FETCH_FAILED;
    }
  fd = g_open (part, O_WRONLY | O_CREAT | O_CLOEXEC | (offset > 0 ? O_APPEND : O_TRUNC), 0644);
  if (fd < 0)
    {
      attention_download_set_errno_error (error, _ ("Could not write %s: %s"), part, errno);
      return ATTENTION_FETCH_FAILED;
    }
  options->progress (received, expected, offset > 0, TRUE, options->progress_data);
  attention_watchdog_expect_body (dog);
  for (;;)
    {
      g_autoptr (GError) local_error = NULL;
      gssize n = g_input_stream_read (answer->body, buffer, BUFFER_SIZE,
                                      attention_watchdog_get_cancellable (dog), &local_error);

      if (n == 0)
        break;
      if (n < 0)
        {
          g_autofree char *got = g_format_size (received);
          g_autofree char *reason = attention_escape_text (local_error->message, FALSE);

          close (fd);
          uri = g_uri_to_string (soup_message_get_uri (answer->message));
          host = host_of (uri);
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
              attention_watchdog_get_verdict (dog) != ATTENTION_WATCHDOG_OK)
            g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_TIMEOUT,
                         _ ("%s sent %s at under 1 kB/s for %u seconds (%s so far): the server is "
                            "too slow; try again to resume"),
                         host, name, attention_watchdog_get_window (dog), got);
          else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_TIMEOUT,
                         _ ("%s stopped sending %s for %u seconds after %s: try again to resume"),
                         host, name, soup_session_get_timeout (options->session), got);
          else
            g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_INTERRUPTED,
                         _ ("The connection to %s was lost after %s of %s (%s): try again to "
                            "resume"),
                         host, got, name, reason);
          return ATTENTION_FETCH_FAILED;
        }
      attention_watchdog_add_bytes (dog, (gsize)n);
      if (expected >= 0 && received + n > expected)
        {
          g_autofree char *want = g_format_size_full (expected, G_FORMAT_SIZE_LONG_FORMAT);

          close (fd);
          g_unlink (part);
          g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_SIZE,
                       _ ("%s is larger than the %s the hub announced"), name, want);
          return ATTENTION_FETCH_FAILED;
        }
      if (limit >= 0 && received + n > limit)
        {
          g_autofree char *most = g_format_size (limit);

          close (fd);
          g_unlink (part);
          g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_SIZE,
                       _ ("%s is larger than %s, more than such a file ever holds: refused"), name,
                       most);
          return ATTENTION_FETCH_FAILED;
        }
      if (!write_all (fd, buffer, n, part, error))
        {
          close (fd);
          return ATTENTION_FETCH_FAILED;
        }
      if (checksum != NULL)
        g_checksum_update (checksum, buffer, n);
      received += n;
      options->progress (received, expected, offset > 0, FALSE, options->progress_data);
    }
  /* On disk before it gets its name: a crash leaves a part, never a
   * short file that looks complete. */
  if (fsync (fd) != 0)
    {
      int saved = errno;

      close (fd);
      attention_download_set_errno_error (error, _ ("Could not write %s: %s"), part, saved);
      return ATTENTION_FETCH_FAILED;
    }
  if (close (fd) != 0)
    {
      attention_download_set_errno_error (error, _ ("Could not write %s: %s"), part, errno);
      return ATTENTION_FETCH_FAILED;
    }
  if (expected >= 0 && received != expected)
    {
      g_autofree char *want = g_format_size_full (expected, G_FORMAT_SIZE_LONG_FORMAT);
      g_autofree char *got = g_format_size_full (received, G_FORMAT_SIZE_LONG_FORMAT);

      g_unlink (part);
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_SIZE,
                   _ ("%s has the wrong size: the hub announced %s, the server’s copy has %s"),
                   name, want, got);
      return ATTENTION_FETCH_FAILED;
    }
  if (checksum != NULL && g_strcmp0 (g_checksum_get_string (checksum), answer->sha256) != 0)
    {
      g_unlink (part);
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_CHECKSUM,
                   _ ("%s is damaged: its sha256 is %s, the hub announced %s"), name,
                   g_checksum_get_string (checksum), answer->sha256);
      return ATTENTION_FETCH_FAILED;
    }
  if (checksum == NULL && answer->git_sha1 != NULL)
    {
      /* A file kept in git (not LFS): its ETag is the sha1 of "blob SIZE\0"
       * and the bytes. A small file: hashed from the disk, after the fact. */
      g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
      g_autofree char *blob = g_strdup_printf ("blob %" G_GINT64_FORMAT, received);

      g_checksum_update (sha1, (const guchar *)blob, strlen (blob) + 1);
      if (!hash_existing (part, received, sha1, error))
        return ATTENTION_FETCH_FAILED;
      if (g_strcmp0 (g_checksum_get_string (sha1), answer->git_sha1) != 0)
        {
          g_autofree char *got = g_format_size_full (received, G_FORMAT_SIZE_LONG_FORMAT);

          g_unlink (part);
          g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_CHECKSUM,
                       _ ("%s is incomplete or damaged: the %s received do not have the git "
                          "hash %s the hub announced"),
                       name, got, answer->git_sha1);
          return ATTENTION_FETCH_FAILED;
        }
    }
  options->progress (received, received, offset > 0, TRUE, options->progress_data);
  return ATTENTION_FETCH_DONE;
}

/* The weights are big and carry a sha256 (LFS); every other file of a model
 * is small. */
static gboolean
is_small_file (const char *name)
{
  return !g_str_has_suffix (name, ".safetensors") && !g_str_has_suffix (name, ".bin");
}

/* NAME.part.id holds what named the file's version when NAME.part began
 * (answer_identity), so that a part is resumed only from the same version:
 * a file changed on the server between two attempts would otherwise be
 * spliced from both. */
static char *
read_identity (const char *id_path)
{
  char *text = NULL;

  if (!g_file_get_contents (id_path, &text, NULL, NULL))
    return NULL;
  return g_strstrip (text);
}

AttentionFetchResult
attention_fetch_file (const AttentionFetchOptions *options,
                      const AttentionHubFile *file,
                      GError **error)
{
  g_autofree char *url = attention_hub_file_url (options->hub_url, options->model_id, file->name);
  g_autofree char *part_name = g_strconcat (file->name, ".part", NULL);
  g_autofree char *part = g_build_filename (options->staging, part_name, NULL);
  g_autofree char *id_path = g_strconcat (part, ".id", NULL);
  g_autofree char *dest = g_build_filename (options->staging, file->name, NULL);
  g_autofree char *part_identity = read_identity (id_path);
  g_autoptr (AttentionWatchdog) dog =
      attention_watchdog_new (options->cancellable, soup_session_get_timeout (options->session));
  Answer answer = { 0 };
  SoupMessageHeaders *headers;
  AttentionFetchResult result = ATTENTION_FETCH_FAILED;
  GStatBuf st;
  gint64 offset = g_stat (part, &st) == 0 ? st.st_size : 0;
  gint64 expected, length, limit = is_small_file (file->name) ? MAX_SMALL_FILE : -1;
  guint status;

  /* A part whose version is unknown cannot be resumed safely. */
  if (offset > 0 && part_identity == NULL)
    {
      g_unlink (part);
      offset = 0;
    }
  if (!request (options, dog, url, offset, &answer, error))
    goto out;
  status = soup_message_get_status (answer.message);
  headers = soup_message_get_response_headers (answer.message);
  length = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    length = -1;

  if (offset > 0 &&
      (SOUP_STATUS_IS_SUCCESSFUL (status) ||
       status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE) &&
      g_strcmp0 (answer_identity (&answer), part_identity) != 0)
    {
      /* The server's file is not the one the part began. */
      g_unlink (part);
      g_unlink (id_path);
      result = ATTENTION_FETCH_RESTART;
      goto out;
    }
  if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && offset > 0)
    {
      /* The part is complete or from another version of the file. */
      g_unlink (part);
      result = ATTENTION_FETCH_RESTART;
      goto out;
    }
  if (status == SOUP_STATUS_PARTIAL_CONTENT && offset > 0)
    {
      goffset start = -1, end = -1, total = -1;

      if (!soup_message_headers_get_content_range (headers, &start, &end, &total) ||
          start != offset)
        {
          g_unlink (part);
          result = ATTENTION_FETCH_RESTART;
          goto out;
        }
      expected = answer.linked_size >= 0 ? answer.linked_size : total;
    }
  else if (status == SOUP_STATUS_OK)
    {
      /* A server without ranges sends everything again. */
      offset = 0;
      expected = answer.linked_size >= 0 ? answer.linked_size : length;
    }
  else
    {
      g_autoptr (GError) status_error = NULL;

      set_status_error (options, file->name, answer.message, &status_error);
      if (file->optional && g_error_matches (status_error, ATTENTION_DOWNLOAD_ERROR,
                                             ATTENTION_DOWNLOAD_ERROR_NOT_FOUND))
        result = ATTENTION_FETCH_ABSENT;
      else
        g_propagate_error (error, g_steal_pointer (&status_error));
      goto out;
    }

  if (answer.linked_etag != NULL && answer.sha256 == NULL)
    {
      /* An LFS file whose checksum is not one: it could not be checked. */
      g_autofree char *shown = attention_escape_text (answer.linked_etag, FALSE);

      g_unlink (part);
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_CHECKSUM,
                   _ ("%s cannot be checked: the hub announced “%s” as its sha256"), file->name,
                   shown);
      goto out;
    }
  if (expected < 0 && answer.sha256 == NULL && answer.git_sha1 == NULL)
    {
      g_unlink (part);
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_SIZE,
                   _ ("%s cannot be checked: the server announced neither its size nor a hash"),
                   file->name);
      goto out;
    }
  if (expected >= 0 && length >= 0 && offset + length != expected)
    {
      g_autofree char *want = g_format_size_full (expected, G_FORMAT_SIZE_LONG_FORMAT);
      g_autofree char *got = g_format_size_full (offset + length, G_FORMAT_SIZE_LONG_FORMAT);

      g_unlink (part);
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_SIZE,
                   _ ("%s has the wrong size: the hub announced %s, the server’s copy has %s"),
                   file->name, want, got);
      goto out;
    }
  if (limit >= 0 && expected > limit)
    {
      g_autofree char *want = g_format_size (expected);
      g_autofree char *most = g_format_size (limit);

      g_unlink (part);
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_SIZE,
                   _ ("%s would be %s, more than the %s such a file ever holds: refused"),
                   file->name, want, most);
      goto out;
    }
  if (expected >= 0 && !check_free_space (options->staging, expected - offset, error))
    goto out;

  if (offset == 0)
    {
      /* Written before the part, so no part is ever without it. */
      g_unlink (id_path);
      if (answer_identity (&answer) != NULL &&
          !g_file_set_contents (id_path, answer_identity (&answer), -1, NULL))
        g_unlink (id_path);
    }
  result = receive (options, dog, file->name, part, &answer, offset, expected, limit, error);
  if (result == ATTENTION_FETCH_DONE && g_rename (part, dest) != 0)
    {
      attention_download_set_errno_error (error, _ ("Could not write %s: %s"), dest, errno);
      result = ATTENTION_FETCH_FAILED;
    }
  if (result == ATTENTION_FETCH_DONE || !g_file_test (part, G_FILE_TEST_EXISTS))
    g_unlink (id_path);
out:
  answer_clear (&answer);
  return result;
}
