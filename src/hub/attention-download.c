/* attention-download.c: one model's download: the staging folder, its
 * lock, the files in turn (each one's transfer is in attention-fetch.c), the
 * config check, the final rename, progress reports and the worker thread.
 * The transfer is plain sequential code on libsoup's synchronous API, run in
 * a worker thread by attention_download_run_async(). */

#include "attention-download.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attention-escape.h"
#include "attention-fetch.h"
#include "attention-hub.h"
#include "attention-json-guard.h"

/* Progress is reported at most this often (µs) between file boundaries. */
#define PROGRESS_INTERVAL (G_USEC_PER_SEC / 10)
/* A downloaded config.json larger than this is refused before parsing:
 * bert-base's is 570 bytes. */
#define CONFIG_MAX (1024 * 1024)

struct _AttentionDownload
{
  GObject parent_instance;

  char *model_id;
  char *hub_url;
  char *token; /* NULL without one */
  char *models_dir;
  guint timeout;
  char *model_type; /* config.json's, once it is checked */

  GMutex lock; /* guards progress and snapshot */
  AttentionDownloadProgress progress;
  AttentionDownloadProgress snapshot; /* what handlers read */
  gint64 last_progress;
  GMainContext *context; /* where ::progress goes: the caller's of run_async */
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
  g_free (self->model_type);
  g_free (self->hub_url);
  g_free (self->token);
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
  g_mutex_init (&self->lock);
  /* Read here, in the caller's thread, not in the worker that uses them. */
  self->hub_url = attention_hub_get_url ();
  self->token = attention_hub_get_token ();
  self->timeout = attention_hub_get_timeout ();
  self->models_dir = attention_hub_get_models_dir ();
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
attention_download_set_models_dir (AttentionDownload *self, const char *models_dir)
{
  g_free (self->models_dir);
  self->models_dir = g_strdup (models_dir);
}

void
attention_download_get_progress (AttentionDownload *self, AttentionDownloadProgress *progress)
{
  g_mutex_lock (&self->lock);
  *progress = self->snapshot;
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

/* Called in the worker thread with the lock held after updating the
 * figures. FORCE: a file starts or ends, always report it. */
static void
report_progress_locked (AttentionDownload *self, gboolean force)
{
  gint64 now = g_get_monotonic_time ();
  Report *report;
  GSource *source;

  if (!force && now - self->last_progress < PROGRESS_INTERVAL)
    return;
  self->last_progress = now;
  /* Each report carries its own figures, so none is lost or reordered (file
   * boundaries matter to a log); the interval bounds their number. */
  report = g_new0 (Report, 1);
  report->self = g_object_ref (self);
  report->progress = self->progress;
  source = g_idle_source_new ();
  /* Before the task's own result (default priority), so the last figures
   * arrive before the download is reported done. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_progress_cb, report, report_free);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
progress_start_file (AttentionDownload *self, const char *name)
{
  g_mutex_lock (&self->lock);
  self->progress.file = name;
  self->progress.received = 0;
  self->progress.total = -1;
  self->progress.resumed = FALSE;
  report_progress_locked (self, TRUE);
  g_mutex_unlock (&self->lock);
}

/* The AttentionFetchProgressFunc of every file. */
static void
fetch_progress_cb (gint64 received, gint64 total, gboolean resumed, gboolean force, gpointer data)
{
  AttentionDownload *self = data;

  g_mutex_lock (&self->lock);
  self->progress.received = received;
  self->progress.total = total;
  self->progress.resumed = resumed;
  report_progress_locked (self, force);
  g_mutex_unlock (&self->lock);
}

/* config.json: refuse another architecture before fetching its weights. The
 * file comes from the network: its size and nesting are bounded before
 * json-glib, which recurses once per level, parses it. */
static gboolean
check_config (AttentionDownload *self, const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  JsonNode *root, *type_node;
  const char *type = "bert";

  if (!g_file_get_contents (path, &data, &len, &local_error))
    {
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_BERT,
                   _ ("The config.json of “%s” cannot be read: %s"), self->model_id,
                   local_error->message);
      return FALSE;
    }
  if (len > CONFIG_MAX)
    {
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_BERT,
                   _ ("The config.json of “%s” is %lu bytes; a model configuration needs a "
                      "few kilobytes, so it is refused"),
                   self->model_id, (gulong)len);
      return FALSE;
    }
  if (!attention_json_depth_ok (data, (gssize)len, ATTENTION_JSON_MAX_DEPTH, NULL))
    {
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_BERT,
                   _ ("The config.json of “%s” nests arrays or objects more than %u levels "
                      "deep; a model configuration needs only a few, so it is refused"),
                   self->model_id, ATTENTION_JSON_MAX_DEPTH);
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, data, (gssize)len, &local_error))
    {
      g_autofree char *reason = attention_escape_text (local_error->message, FALSE);

      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_BERT,
                   _ ("The config.json of “%s” is not valid JSON: %s"), self->model_id, reason);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_BERT,
                   _ ("The config.json of “%s” is not a JSON object"), self->model_id);
      return FALSE;
    }
  type_node = json_object_get_member (json_node_get_object (root), "model_type");
  if (type_node != NULL &&
      (!JSON_NODE_HOLDS_VALUE (type_node) || json_node_get_value_type (type_node) != G_TYPE_STRING))
    {
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_BERT,
                   _ ("The config.json of “%s” has a model_type that is not a string"),
                   self->model_id);
      return FALSE;
    }
  if (type_node != NULL)
    type = json_node_get_string (type_node);
  /* The families the shim opens (attn-shim-families.h). */
  if (g_strcmp0 (type, "bert") != 0 && g_strcmp0 (type, "distilbert") != 0 &&
      g_strcmp0 (type, "roberta") != 0 && g_strcmp0 (type, "xlm-roberta") != 0 &&
      g_strcmp0 (type, "electra") != 0 && g_strcmp0 (type, "albert") != 0)
    {
      g_autofree char *shown = attention_escape_text (type, FALSE);

      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_BERT,
                   _ ("“%s” is a %s model; Attention opens BERT, DistilBERT, RoBERTa, "
                      "XLM-RoBERTa, ALBERT and ELECTRA models only"),
                   self->model_id, shown);
      return FALSE;
    }
  g_free (self->model_type);
  self->model_type = g_strdup (type);
  return TRUE;
}

/* --- the whole model ------------------------------------------------------- */

static gboolean
mkdir_with_parents (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0755) != 0)
    return attention_download_set_errno_error (error, _ ("Could not create %s: %s"), path, errno);
  return TRUE;
}

/* Takes the staging folder's NAME.lock beside it, so the window and the CLI never
 * write the same staging folder; returns the descriptor or -1. */
static int
lock_staging (AttentionDownload *self, const char *lock_path, GError **error)
{
  /* The lock file is removed once the model is in place: a process that
   * opened it just before may then hold a lock on a file no longer there
   * while another creates a new one. The lock counts only when the locked
   * file is still the one at the path; otherwise try again. */
  for (int attempt = 0; attempt < 8; attempt++)
    {
      int fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      struct stat held, named;

      if (fd < 0)
        {
          attention_download_set_errno_error (error, _ ("Could not create %s: %s"), lock_path,
                                              errno);
          return -1;
        }
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          close (fd);
          g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_BUSY,
                       _ ("“%s” is already being downloaded"), self->model_id);
          return -1;
        }
      if (fstat (fd, &held) == 0 && g_stat (lock_path, &named) == 0 &&
          held.st_dev == named.st_dev && held.st_ino == named.st_ino)
        return fd;
      close (fd);
    }
  g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_BUSY,
               _ ("“%s” is already being downloaded"), self->model_id);
  return -1;
}

/* One file into STAGING, unless an earlier run left it there complete;
 * config.json is checked as soon as it arrives. FAILED, DONE or ABSENT. */
static AttentionFetchResult
fetch_one (AttentionDownload *self,
           const AttentionFetchOptions *options,
           const AttentionHubFile *file,
           const char *staging,
           GError **error)
{
  g_autofree char *dest = g_build_filename (staging, file->name, NULL);
  AttentionFetchResult result = ATTENTION_FETCH_RESTART;

  /* Kept from an earlier run: it was checked before it got its name. */
  if (g_file_test (dest, G_FILE_TEST_IS_REGULAR))
    return ATTENTION_FETCH_DONE;
  progress_start_file (self, file->name);
  for (int attempt = 0; attempt < 2 && result == ATTENTION_FETCH_RESTART; attempt++)
    result = attention_fetch_file (options, file, error);
  if (result == ATTENTION_FETCH_RESTART)
    {
      g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_HTTP,
                   _ ("The server does not resume %s correctly"), file->name);
      return ATTENTION_FETCH_FAILED;
    }
  if (result == ATTENTION_FETCH_DONE && g_strcmp0 (file->name, "config.json") == 0 &&
      !check_config (self, dest, error))
    {
      g_unlink (dest);
      return ATTENTION_FETCH_FAILED;
    }
  return result;
}

static gboolean
download_files (AttentionDownload *self,
                const char *staging,
                GCancellable *cancellable,
                GError **error)
{
  g_autoptr (SoupSession) session = attention_fetch_session_new (self->timeout);
  const AttentionFetchOptions options = {
    .session = session,
    .hub_url = self->hub_url,
    .token = self->token,
    .model_id = self->model_id,
    .staging = staging,
    .progress = fetch_progress_cb,
    .progress_data = self,
    .cancellable = cancellable,
  };
  const AttentionHubFile *files;
  guint n_files;

  files = attention_hub_files (&n_files);
  for (guint i = 0; i < n_files; i++)
    {
      /* After config.json, the family's own files (RoBERTa's vocab.json and
       * merges.txt); a config kept from an earlier run is read again. */
      if (i == 1)
        {
          g_autofree char *config = g_build_filename (staging, files[0].name, NULL);

          if (self->model_type == NULL && !check_config (self, config, error))
            return FALSE;
          files = attention_hub_files_for (self->model_type, &n_files);
        }
      g_autofree char *fallback_dest =
          files[i].fallback != NULL ? g_build_filename (staging, files[i].fallback, NULL) : NULL;

      /* Kept from an earlier run: it was checked before it got its name. */
      if (fallback_dest != NULL && g_file_test (fallback_dest, G_FILE_TEST_IS_REGULAR))
        continue;
      if (files[i].fallback != NULL)
        {
          /* NAME first, as huggingface_hub prefers it; absent, its fallback. */
          const AttentionHubFile first = { files[i].name, TRUE, NULL };
          const AttentionHubFile second = { files[i].fallback, FALSE, NULL };
          g_autoptr (GError) local_error = NULL;
          AttentionFetchResult result = fetch_one (self, &options, &first, staging, error);

          if (result != ATTENTION_FETCH_ABSENT)
            {
              if (result == ATTENTION_FETCH_FAILED)
                return FALSE;
              continue;
            }
          if (fetch_one (self, &options, &second, staging, &local_error) == ATTENTION_FETCH_FAILED)
            {
              if (g_error_matches (local_error, ATTENTION_DOWNLOAD_ERROR,
                                   ATTENTION_DOWNLOAD_ERROR_NOT_FOUND))
                g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_NOT_FOUND,
                             _ ("The hub's “%s” has neither %s nor %s: no weights Attention "
                                "reads"),
                             self->model_id, files[i].name, files[i].fallback);
              else
                g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          continue;
        }
      if (fetch_one (self, &options, &files[i], staging, error) == ATTENTION_FETCH_FAILED)
        return FALSE;
    }
  return TRUE;
}

/* Downloads (or finds already installed) the model and returns its folder;
 * runs in the worker thread. Cancelling keeps the partial file for the next
 * run to resume. */
static char *
download_run (AttentionDownload *self, GCancellable *cancellable, GError **error)
{
  g_autofree char *target = NULL;
  g_autofree char *staging = NULL;
  g_autofree char *lock_path = NULL;
  g_autofree char *parent = NULL;
  int lock_fd;
  gboolean ok;

  if (!attention_hub_model_id_is_valid (self->model_id, error))
    return NULL;
  attention_hub_migrate (self->models_dir);
  target = attention_hub_model_dir (self->models_dir, self->model_id);
  if (attention_hub_is_installed (self->models_dir, self->model_id))
    return g_steal_pointer (&target);

  staging = attention_hub_staging_dir (self->models_dir, self->model_id);
  lock_path = g_strconcat (staging, ".lock", NULL);
  if (!mkdir_with_parents (staging, error))
    return NULL;
  lock_fd = lock_staging (self, lock_path, error);
  if (lock_fd < 0)
    return NULL;
  /* Another process may have finished this model between the check above
   * and the lock: its staging folder is then the empty one made just above. */
  if (attention_hub_is_installed (self->models_dir, self->model_id))
    {
      g_rmdir (staging);
      g_unlink (lock_path);
      close (lock_fd);
      return g_steal_pointer (&target);
    }

  ok = download_files (self, staging, cancellable, error);
  if (ok)
    {
      parent = g_path_get_dirname (target);
      ok = mkdir_with_parents (parent, error);
    }
  /* The one step that makes it a model. */
  if (ok && g_rename (staging, target) != 0)
    ok = attention_download_set_errno_error (error, _ ("Could not create %s: %s"), target, errno);
  /* Removed while still held (see lock_staging). */
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
  char *path = download_run (source, cancellable, &error);

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
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (ATTENTION_IS_DOWNLOAD (self));
  task = g_task_new (self, cancellable, callback, user_data);

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
