/* serve_worker.c: each HTTP thread's own decision engine (its persistent connections to every
 * provider, opened on its first request and closed when the thread ends) and the tracker
 * threads that poll the providers' heads every --head-poll, one per provider. */
#include "serve.h"

#include <errno.h>
#include <time.h>

static void worker_free(void *a)
{
    kms_authz_free(a);
}

kms_authz *cmd_serve_worker(cmd_serve_workers *w, eth_error *err)
{
    kms_authz *a = pthread_getspecific(w->key);
    if (a)
        return a;
    if (kms_authz_open(w->authz, &a, err) != 0)
        return NULL;
    if (pthread_setspecific(w->key, a) != 0) {
        kms_authz_free(a);
        eth_fail(err, ETH_ENOMEM, "cannot keep a thread's connections");
        return NULL;
    }
    return a;
}

static void *tracker_main(void *arg)
{
    cmd_serve_tracker *t = arg;
    cmd_serve_workers *w = t->w;
    kms_progress notes = cmd_serve_log_progress();
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += w->poll_ms / 1000;
        until.tv_nsec += (w->poll_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        int rc = 0;
        while (!w->stop && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&w->cv, &w->mu, &until);
        if (w->stop)
            break;
        pthread_mutex_unlock(&w->mu);
        kms_authz_refresh_one(w->tracker_authz, t->provider, &notes);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int cmd_serve_workers_start(cmd_serve_workers *w, const cmd_serve_config *cfg, eth_error *err)
{
    *w = (cmd_serve_workers){.poll_ms = cfg->head_poll_ms};
    kms_progress notes = cmd_serve_log_progress();
    int rc = kms_authz_shared_new(&cfg->authz, &w->authz, err);
    if (rc == 0)
        rc = kms_authz_open(w->authz, &w->tracker_authz, err);
    if (rc == 0 && pthread_key_create(&w->key, worker_free) != 0)
        rc = eth_fail(err, ETH_ENOMEM, "cannot create a thread key");
    if (rc) {
        kms_authz_free(w->tracker_authz);
        kms_authz_shared_free(w->authz);
        return rc;
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (kms_authz_refresh(w->tracker_authz, &notes) == 0)
        cmd_serve_log("no provider answers yet: every request fails closed until one does");
    rc = kms_authz_check_chains(w->authz, err);
    for (size_t i = 0; rc == 0 && i < cfg->authz.nurls; i++) {
        cmd_serve_tracker *t = &w->trackers[i];
        *t = (cmd_serve_tracker){.w = w, .provider = i};
        if (pthread_create(&t->thread, NULL, tracker_main, t) != 0)
            rc = eth_fail(err, ETH_ENOMEM, "cannot start a tracker thread");
        t->started = rc == 0;
    }
    if (rc)
        cmd_serve_workers_stop(w);
    return rc;
}

void cmd_serve_workers_stop(cmd_serve_workers *w)
{
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    for (size_t i = 0; i < KMS_AUTHZ_MAX_PROVIDERS; i++) {
        if (w->trackers[i].started)
            pthread_join(w->trackers[i].thread, NULL);
        w->trackers[i].started = false;
    }
    kms_authz_free(w->tracker_authz);
    w->tracker_authz = NULL;
    pthread_key_delete(w->key);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    kms_authz_shared_free(w->authz);
    w->authz = NULL;
}
