/* attention-download.c: one model's download with libsoup 3. The transfer is
 * plain sequential code on the synchronous API (run in a worker thread for
 * the window, see attention_download_run_async()); redirects are followed by
 * hand because the hub's own answer carries the size and sha256 of an LFS
 * file (X-Linked-Size, X-Linked-ETag) and the CDN's answer does not. */

#include "attention-download.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "attention-hub.h"

#define DEFAULT_TIMEOUT 30
#define MAX_REDIRECTS 10
#define BUFFER_SIZE (256 * 1024)
/* Progress is reported at most this often (µs) between file boundaries. */
#define PROGRESS_INTERVAL (G_USEC_PER_SEC / 10)

G_DEFINE_QUARK (attention - download - error - quark, attention_download_error)

struct _AttentionDownload
{
  GObject parent_instance;

  char *model_id;
  char *hub_url;
  char *models_dir;
  guint timeout;

  GMutex lock; /* guards progress and snapshot */
  AttentionDownloadProgress progress;
  AttentionDownloadProgress snapshot; /* what handlers read */
  gint64 last_progress;
  GMainContext *context; /* where ::progress goes; NULL: the running thread */
};

G_DEFINE_FINAL_TYPE (AttentionDownload, attention_download, G_TYPE_OBJECT)

enum
{
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
attention_download_finalize (GObject *object)
{
  AttentionDownload *self = ATTENTION_DOWNLOAD (object);

  g_free (self->model_id);
  g_free (self->hub_url);
  g_free (self->models_dir);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (attention_download_parent_class)->finalize (object);
}

static void
attention_download_class_init (AttentionDownloadClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attention_download_finalize;

  /* Read the figures with attention_download_get_progress(). */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
attention_download_init (AttentionDownload *self)
{
  const char *env = g_getenv ("ATTENTION_HUB_TIMEOUT");
  guint64 seconds;

  g_mutex_init (&self->lock);
  self->hub_url = attention_hub_get_url ();
  self->models_dir = attention_hub_get_models_dir ();
  self->timeout = DEFAULT_TIMEOUT;
  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 3600, &seconds, NULL))
    self->timeout = seconds;
  attention_hub_files (&self->progress.n_files);
  self->progress.total = -1;
}

AttentionDownload *
attention_download_new (const char *model_id)
{
  AttentionDownload *self = g_object_new (ATTENTION_TYPE_DOWNLOAD, NULL);

  self->model_id = g_strdup (model_id);
  return self;
}

const char *
attention_download_get_model_id (AttentionDownload *self)
{
  return self->model_id;
}

void
attention_download_set_hub_url (AttentionDownload *self, const char *url)
{
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    len--;
  g_free (self->hub_url);
  self->hub_url = g_strndup (url, len);
}

void
attention_download_set_models_dir (AttentionDownload *self, const char *models_dir)
{
  g_free (self->models_dir);
  self->models_dir = g_strdup (models_dir);
}

void
attention_download_set_timeout (AttentionDownload *self, guint seconds)
{
  self->timeout = MAX (seconds, 1);
}

void
attention_download_get_progress (AttentionDownload *self, AttentionDownloadProgress *progress)
{
  g_mutex_lock (&self->lock);
  *progress = self->context != NULL ? self->snapshot : self->progress;
  g_mutex_unlock (&self->lock);
}

/* --- progress -------------------------------------------------------------- */

typedef struct
{
  AttentionDownload *self;
  AttentionDownloadProgress progress;
} Report;

static void
report_free (gpointer data)
{
  Report *report = data;

  g_object_unref (report->self);
  g_free (report);
}

static gboolean
emit_progress_cb (gpointer data)
{
  Report *report = data;

  g_mutex_lock (&report->self->lock);
  report->self->snapshot = report->progress;
  g_mutex_unlock (&report->self->lock);
  g_signal_emit (report->self, signals[SIGNAL_PROGRESS], 0);
  return G_SOURCE_REMOVE;
}

/* Called by the transfer with the lock held after updating the figures.
 * FORCE: a file starts or ends, always report it. */
static void
report_progress_locked (AttentionDownload *self, gboolean force)
{
  gint64 now = g_get_monotonic_time ();

  if (!force && now - self->last_progress < PROGRESS_INTERVAL)
    return;
  self->last_progress = now;
  if (self->context == NULL)
    {
      /* Synchronous run: emit right here, without the lock. */
      g_mutex_unlock (&self->lock);
      g_signal_emit (self, signals[SIGNAL_PROGRESS], 0);
      g_mutex_lock (&self->lock);
    }
  else
    {
      /* Each report carries its own figures, so none is lost or reordered
       * (file boundaries matter to a log); the interval bounds their number. */
      Report *report = g_new0 (Report, 1);
      GSource *source = g_idle_source_new ();

      report->self = g_object_ref (self);
      report->progress = self->progress;
      /* Before the task's own result (default priority), so the last
       * figures arrive before the download is reported done. */
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, emit_progress_cb, report, report_free);
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

static void
progress_start_file (AttentionDownload *self, guint index, const char *name)
{
  g_mutex_lock (&self->lock);
  self->progress.file = name;
  self->progress.file_index = index;
  self->progress.received = 0;
  self->progress.total = -1;
  self->progress.resumed = FALSE;
  report_progress_locked (self, TRUE);
  g_mutex_unlock (&self->lock);
}

static void
progress_update (
    AttentionDownload *self, gint64 received, gint64 total, gboolean resumed, gboolean force)
{
  g_mutex_lock (&self->lock);
  self->progress.received = received;
  self->progress.total = total;
  self->progress.resumed = resumed;
  report_progress_locked (self, force);
  g_mutex_unlock (&self->lock);
}

/* --- errors ---------------------------------------------------------------- */

/* FORMAT has two %s: the path, then the reason. */
static gboolean
set_errno_error (GError **error, const char *format, const char *path, int saved)
{
  g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_DISK, format, path,
               g_strerror (saved));
  return FALSE;
}

static char *
host_of (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : url);
}

/* soup_session_send() failed: no answer at all. */
static void
set_send_error (AttentionDownload *self, const char *url, GError *cause, GError **error)
{
  g_autofree char *host = host_of (url);

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (cause));
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_TIMEOUT,
                 _ ("%s did not answer within %u seconds"), host, self->timeout);
  else
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NETWORK,
                 _ ("Cannot reach %s: check your network connection (%s)"), host, cause->message);
}

/* --- one file -------------------------------------------------------------- */

/* The sha256 in an ETag/X-Linked-ETag value ("…", W/"…"), or NULL: only LFS
 * files have one; a git blob's ETag is a 40-digit sha1. */
static char *
etag_sha256 (const char *etag)
{
  g_autofree char *value = NULL;
  gsize len;

  if (etag == NULL)
    return NULL;
  if (g_str_has_prefix (etag, "W/"))
    etag += 2;
  value = g_strdup (etag);
  g_strstrip (value);
  len = strlen (value);
  if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
    {
      memmove (value, value + 1, len - 2);
      value[len - 2] = '\0';
      len -= 2;
    }
  if (len != 64)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (value[i]))
      return NULL;
  return g_ascii_strdown (value, -1);
}

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
} Answer;

static void
answer_clear (Answer *answer)
{
  if (answer->body != NULL)
    g_input_stream_close (answer->body, NULL, NULL);
  g_clear_object (&answer->body);
  g_clear_object (&answer->message);
  g_clear_pointer (&answer->sha256, g_free);
}

/* GETs URL from OFFSET, following redirects; keeps the first size and sha256
 * the chain announces. */
static gboolean
request (AttentionDownload *self,
         SoupSession *session,
         const char *url,
         gint64 offset,
         Answer *answer,
         GCancellable *cancellable,
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
      if (offset > 0)
        soup_message_headers_set_range (soup_message_get_request_headers (message), offset, -1);
      body = soup_session_send (session, message, cancellable, &local_error);
      if (body == NULL)
        {
          set_send_error (self, current, local_error, error);
          return FALSE;
        }
      headers = soup_message_get_response_headers (message);
      status = soup_message_get_status (message);
      if (answer->linked_size < 0)
        answer->linked_size = header_int64 (headers, "X-Linked-Size");
      if (answer->sha256 == NULL)
        answer->sha256 = etag_sha256 (soup_message_headers_get_one (headers, "X-Linked-ETag"));
      /* The hub's own ETag of an LFS file is its sha256 too; a CDN's is not,
       * so only the first answer's counts. */
      if (answer->sha256 == NULL && hop == 0)
        answer->sha256 = etag_sha256 (soup_message_headers_get_one (headers, "ETag"));

      location = soup_message_headers_get_one (headers, "Location");
      if (SOUP_STATUS_IS_REDIRECTION (status) && location != NULL)
        {
          g_autoptr (GUri) base = g_uri_parse (current, G_URI_FLAGS_NONE, NULL);
          g_autoptr (GUri) next = NULL;

          next =
              base != NULL ? g_uri_parse_relative (base, location, G_URI_FLAGS_NONE, NULL) : NULL;
          if (next == NULL)
            {
              g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_HTTP,
                           _ ("The hub redirected to an invalid address: %s"), location);
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
 * file) or HTTP. The hub answers 401 for a repository it does not know. */
static void
set_status_error (AttentionDownload *self, const char *name, SoupMessage *message, GError **error)
{
  guint status = soup_message_get_status (message);
  const char *code =
      soup_message_headers_get_one (soup_message_get_response_headers (message), "X-Error-Code");

  if (g_strcmp0 (code, "RepositoryNotFound") == 0 ||
      (status == SOUP_STATUS_UNAUTHORIZED && code == NULL))
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_FOUND,
                 _ ("The hub has no public model “%s” (%u %s)"), self->model_id, status,
                 soup_message_get_reason_phrase (message));
  else if (status == SOUP_STATUS_NOT_FOUND && g_str_has_suffix (name, ".safetensors"))
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_FOUND,
                 _ ("The hub's “%s” has no %s (%u %s): Attention reads only safetensors weights; "
                    "tools/fetch-bert converts other checkpoints"),
                 self->model_id, name, status, soup_message_get_reason_phrase (message));
  else if (status == SOUP_STATUS_NOT_FOUND)
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_FOUND,
                 _ ("The hub's “%s” has no %s (%u %s)"), self->model_id, name, status,
                 soup_message_get_reason_phrase (message));
  else
    g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_HTTP,
                 _ ("The hub answered %u %s for %s"), status,
                 soup_message_get_reason_phrase (message), name);
}

static gboolean
hash_existing (const char *path, gint64 length, GChecksum *checksum, GError **error)
{
  g_autofree guchar *buffer = g_malloc (BUFFER_SIZE);
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gint64 left = length;

  if (fd < 0)
    return set_errno_error (error, _ ("Could not read %s: %s"), path, errno);
  while (left > 0)
    {
      gssize n = read (fd, buffer, MIN (left, BUFFER_SIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : EIO;

          close (fd);
          return set_errno_error (error, _ ("Could not read %s: %s"), path, saved);
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
        return set_errno_error (error, _ ("Could not write %s: %s"), path, errno);
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

typedef enum
{
  FETCH_FAILED,
  FETCH_DONE,
  FETCH_ABSENT, /* 404 for an optional file */
  FETCH_RESTART /* the partial file could not be resumed: start over */
} FetchResult;

/* Streams the answer into PART (already OFFSET bytes long). */
static FetchResult
receive (AttentionDownload *self,
         const char *name,
         const char *part,
         Answer *answer,
         gint64 offset,
         gint64 expected,
         GCancellable *cancellable,
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
        return FETCH_FAILED;
    }
  fd = g_open (part, O_WRONLY | O_CREAT | O_CLOEXEC | (offset > 0 ? O_APPEND : O_TRUNC), 0644);
  if (fd < 0)
    {
      set_errno_error (error, _ ("Could not write %s: %s"), part, errno);
      return FETCH_FAILED;
    }
  progress_update (self, received, expected, offset > 0, TRUE);
  for (;;)
    {
      g_autoptr (GError) local_error = NULL;
      gssize n = g_input_stream_read (answer->body, buffer, BUFFER_SIZE, cancellable, &local_error);

      if (n == 0)
        break;
      if (n < 0)
        {
          g_autofree char *got = g_format_size (received);

          close (fd);
          uri = g_uri_to_string (soup_message_get_uri (answer->message));
          host = host_of (uri);
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_TIMEOUT,
                         _ ("%s stopped sending %s for %u seconds after %s: try again to resume"),
                         host, name, self->timeout, got);
          else
            g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_INTERRUPTED,
                         _ ("The connection to %s was lost after %s of %s (%s): try again to "
                            "resume"),
                         host, got, name, local_error->message);
          return FETCH_FAILED;
        }
      if (expected >= 0 && received + n > expected)
        {
          g_autofree char *want = g_format_size_full (expected, G_FORMAT_SIZE_LONG_FORMAT);

          close (fd);
          g_unlink (part);
          g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_SIZE,
                       _ ("%s is larger than the %s the hub announced"), name, want);
          return FETCH_FAILED;
        }
      if (!write_all (fd, buffer, n, part, error))
        {
          close (fd);
          return FETCH_FAILED;
        }
      if (checksum != NULL)
        g_checksum_update (checksum, buffer, n);
      received += n;
      progress_update (self, received, expected, offset > 0, FALSE);
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      set_errno_error (error, _ ("Could not write %s: %s"), part, errno);
      return FETCH_FAILED;
    }
  if (expected >= 0 && received != expected)
    {
      g_autofree char *want = g_format_size_full (expected, G_FORMAT_SIZE_LONG_FORMAT);
      g_autofree char *got = g_format_size_full (received, G_FORMAT_SIZE_LONG_FORMAT);

      g_unlink (part);
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_SIZE,
                   _ ("%s has the wrong size: the hub announced %s, the server’s copy has %s"),
                   name, want, got);
      return FETCH_FAILED;
    }
  if (checksum != NULL && g_strcmp0 (g_checksum_get_string (checksum), answer->sha256) != 0)
    {
      g_unlink (part);
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_CHECKSUM,
                   _ ("%s is damaged: its sha256 is %s, the hub announced %s"), name,
                   g_checksum_get_string (checksum), answer->sha256);
      return FETCH_FAILED;
    }
  progress_update (self, received, received, offset > 0, TRUE);
  return FETCH_DONE;
}

static FetchResult
fetch_once (AttentionDownload *self,
            SoupSession *session,
            const char *staging,
            const AttentionHubFile *file,
            GCancellable *cancellable,
            GError **error)
{
  g_autofree char *url = attention_hub_file_url (self->hub_url, self->model_id, file->name);
  g_autofree char *part_name = g_strconcat (file->name, ".part", NULL);
  g_autofree char *part = g_build_filename (staging, part_name, NULL);
  g_autofree char *dest = g_build_filename (staging, file->name, NULL);
  Answer answer = { 0 };
  SoupMessageHeaders *headers;
  FetchResult result = FETCH_FAILED;
  GStatBuf st;
  gint64 offset = g_stat (part, &st) == 0 ? st.st_size : 0;
  gint64 expected, length;
  guint status;

  if (!request (self, session, url, offset, &answer, cancellable, error))
    goto out;
  status = soup_message_get_status (answer.message);
  headers = soup_message_get_response_headers (answer.message);
  length = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    length = -1;

  if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && offset > 0)
    {
      /* The part is complete or from another version of the file. */
      g_unlink (part);
      result = FETCH_RESTART;
      goto out;
    }
  if (status == SOUP_STATUS_PARTIAL_CONTENT && offset > 0)
    {
      goffset start = -1, end = -1, total = -1;

      if (!soup_message_headers_get_content_range (headers, &start, &end, &total) ||
          start != offset)
        {
          g_unlink (part);
          result = FETCH_RESTART;
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
      set_status_error (self, file->name, answer.message, error);
      if (file->optional &&
          g_error_matches (*error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_FOUND))
        {
          g_clear_error (error);
          result = FETCH_ABSENT;
        }
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
  if (expected >= 0 && !check_free_space (staging, expected - offset, error))
    goto out;

  result = receive (self, file->name, part, &answer, offset, expected, cancellable, error);
  if (result == FETCH_DONE && g_rename (part, dest) != 0)
    {
      set_errno_error (error, _ ("Could not write %s: %s"), dest, errno);
      result = FETCH_FAILED;
    }
out:
  answer_clear (&answer);
  return result;
}

/* config.json: refuse another architecture before fetching its weights. */
static gboolean
check_config (AttentionDownload *self, const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;
  const char *type;

  if (!json_parser_load_from_mapped_file (parser, path, &local_error))
    {
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_BERT,
                   _ ("The config.json of “%s” is not valid JSON: %s"), self->model_id,
                   local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_BERT,
                   _ ("The config.json of “%s” is not a JSON object"), self->model_id);
      return FALSE;
    }
  type = json_object_get_string_member_with_default (json_node_get_object (root), "model_type",
                                                     "bert");
  if (g_strcmp0 (type, "bert") != 0)
    {
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_BERT,
                   _ ("“%s” is a %s model; Attention opens BERT models only"), self->model_id,
                   type);
      return FALSE;
    }
  return TRUE;
}

/* --- the whole model ------------------------------------------------------- */

static gboolean
mkdir_with_parents (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0755) != 0)
    return set_errno_error (error, _ ("Could not create %s: %s"), path, errno);
  return TRUE;
}

/* Takes MODELS_DIR/.downloads/ESCAPED.lock, so the window and the CLI never
 * write the same staging folder; returns the descriptor or -1. */
static int
lock_staging (AttentionDownload *self, const char *lock_path, GError **error)
{
  int fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

  if (fd < 0)
    {
      set_errno_error (error, _ ("Could not create %s: %s"), lock_path, errno);
      return -1;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_BUSY,
                   _ ("“%s” is already being downloaded"), self->model_id);
      return -1;
    }
  return fd;
}

static gboolean
download_files (AttentionDownload *self,
                const char *staging,
                GCancellable *cancellable,
                GError **error)
{
  g_autoptr (SoupSession) session = NULL;
  g_autofree char *user_agent = g_strdup_printf ("attention/%s", PACKAGE_VERSION);
  const AttentionHubFile *files;
  guint n_files;

  /* "timeout" bounds connecting, waiting for the answer and every read of
   * the body: a stalled server fails after that many seconds. */
  session = soup_session_new_with_options ("timeout", self->timeout, "idle-timeout", self->timeout,
                                           "user-agent", user_agent, NULL);
  /* Identity encoding only: sizes, ranges and checksums are about the file's
   * bytes, and a gzip answer's Content-Length is not its size. */
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  files = attention_hub_files (&n_files);
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *dest = g_build_filename (staging, files[i].name, NULL);
      FetchResult result = FETCH_RESTART;

      /* Kept from an earlier run: it was checked before it got its name. */
      if (g_file_test (dest, G_FILE_TEST_IS_REGULAR))
        continue;
      progress_start_file (self, i, files[i].name);
      for (int attempt = 0; attempt < 2 && result == FETCH_RESTART; attempt++)
        result = fetch_once (self, session, staging, &files[i], cancellable, error);
      if (result == FETCH_RESTART)
        g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_HTTP,
                     _ ("The server does not resume %s correctly"), files[i].name);
      if (result == FETCH_FAILED || result == FETCH_RESTART)
        return FALSE;
      if (result == FETCH_DONE && g_strcmp0 (files[i].name, "config.json") == 0 &&
          !check_config (self, dest, error))
        {
          g_unlink (dest);
          return FALSE;
        }
    }
  return TRUE;
}

char *
attention_download_run (AttentionDownload *self, GCancellable *cancellable, GError **error)
{
  g_autofree char *target = NULL;
  g_autofree char *downloads = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *staging = NULL;
  g_autofree char *lock_path = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *lock_name = NULL;
  int lock_fd;
  gboolean ok;

  g_return_val_if_fail (ATTENTION_IS_DOWNLOAD (self), NULL);

  if (!attention_hub_model_id_is_valid (self->model_id, error))
    return NULL;
  target = attention_hub_model_dir (self->models_dir, self->model_id);
  if (attention_hub_is_installed (self->models_dir, self->model_id))
    return g_steal_pointer (&target);

  /* OWNER/NAME becomes OWNER--NAME, as the hub's own cache names it. */
  {
    g_auto (GStrv) parts = g_strsplit (self->model_id, "/", 2);

    escaped = g_strjoinv ("--", parts);
  }
  downloads = g_build_filename (self->models_dir, ".downloads", NULL);
  staging = g_build_filename (downloads, escaped, NULL);
  lock_name = g_strconcat (escaped, ".lock", NULL);
  lock_path = g_build_filename (downloads, lock_name, NULL);
  if (!mkdir_with_parents (staging, error))
    return NULL;
  lock_fd = lock_staging (self, lock_path, error);
  if (lock_fd < 0)
    return NULL;

  ok = download_files (self, staging, cancellable, error);
  if (ok)
    {
      parent = g_path_get_dirname (target);
      ok = mkdir_with_parents (parent, error);
    }
  /* The one step that makes it a model. */
  if (ok && g_rename (staging, target) != 0)
    ok = set_errno_error (error, _ ("Could not create %s: %s"), target, errno);
  if (ok)
    g_unlink (lock_path);
  close (lock_fd);
  return ok ? g_steal_pointer (&target) : NULL;
}

/* --- in a worker thread ---------------------------------------------------- */

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  char *path = attention_download_run (source, cancellable, &error);

  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

void
attention_download_run_async (AttentionDownload *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  g_mutex_unlock (&self->lock);
  g_task_set_source_tag (task, attention_download_run_async);
  /* The error, not a silent return, when cancelled before the thread starts. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

char *
attention_download_run_finish (AttentionDownload *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
