/*
 * bench_output.c -- what ipc_bench prints and writes: the heading and the
 * table's rows on stdout, the CSV file, and the chart gnuplot draws from it.
 * Each file is written under a temporary name beside it and renamed once
 * complete (CONTRACT.md, rule 11).
 */
#define _GNU_SOURCE /* CPU_COUNT() */

#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc_bench.h"

static const char *const size_names[NSIZES] = {"64 B", "4 KiB", "64 KiB", "1 MiB"};

/* ------------------------------------------------------------ the table */

/* Three significant digits, no exponent: 0.123, 12.3, 12345; "-" if none. */
static const char *figure_text(double v, char *buf, size_t len)
{
    if (v < 0)
        return "-";
    int decimals = 0;
    for (double x = v; x < 100 && decimals < 6; x *= 10)
        decimals++;
    snprintf(buf, len, "%.*f", decimals, v);
    return buf;
}

void print_row(const char *name, const struct row *r)
{
    char text[32];
    printf("%-11s", name);
    for (int k = 0; k < NSIZES; k++)
        printf(" %8s", figure_text(r->mbps[k], text, sizeof text));
    printf(" %9s", figure_text(r->rtt_median, text, sizeof text));
    printf(" %8s\n", figure_text(r->rtt_p99, text, sizeof text));
    if (fflush(stdout) == EOF)          /* rule 10: a full disk is an error */
        die("write to stdout");
}

/* The lines above the table: the machine, what a figure is, the columns. */
void print_heading(const char *machine, unsigned long runs, unsigned long kib,
                   unsigned long max_messages, unsigned long rounds)
{
    printf("ipc_bench: %s\n", machine);
    printf("each figure: the median of %lu run%s after a warm-up; a run moves %lu %s"
           " (at most %lu messages)\nor makes %lu round trips of %d bytes\n",
           runs, runs == 1 ? "" : "s", kib % 1024 ? kib : kib / 1024, kib % 1024 ? "KiB" : "MiB", max_messages,
           rounds, SMALL_MESSAGE);
    printf("%-11s %35s %18s\n", "", "--------- throughput, MB/s ---------", "- round trip, us -");
    printf("%-11s %8s %8s %8s %8s %9s %8s\n", "mechanism", size_names[0], size_names[1],
           size_names[2], size_names[3], "median", "p99");
}

/* ------------------------------------------------------------ the output files */

/*
 * Where to write output file path: a temporary file beside it, .NAME.XXXXXX,
 * renamed to path by put_in_place() once complete, so that a failure (a full
 * disk, gnuplot dying) leaves an old file as it was (rule 11). A path that
 * exists and is not a regular file (/dev/null) is written directly. Returns
 * the name to write to.
 */
static const char *start_output(const char *path)
{
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode))
        return path;
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    int folder = (int)(base - path);
    if (snprintf(temporary, sizeof temporary, "%.*s.%s.XXXXXX", folder, path, base) >=
        (int)sizeof temporary) {
        temporary[0] = '\0';
        fail("%s: name too long", path);
    }
    int fd = mkstemp(temporary);
    if (fd == -1) {
        temporary[0] = '\0';
        die(path);
    }
    /* mkstemp makes it 0600; the file keeps the old one's mode, and a new
     * one gets 0666 less the umask, as fopen() gives. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask) == -1 || close(fd) == -1)
        die(temporary);
    return temporary;
}

/* The output file is complete: its temporary file, if any, becomes path. */
static void put_in_place(const char *path)
{
    if (temporary[0] == '\0')
        return;
    if (rename(temporary, path) == -1)
        die(path);
    temporary[0] = '\0';
}

void write_csv(const char *path, const bool *chosen, const struct row *rows)
{
    char text[32];
    FILE *f = fopen(start_output(path), "w");
    if (f == NULL)
        die(path);
    fprintf(f, "mechanism,MBps_64B,MBps_4KiB,MBps_64KiB,MBps_1MiB,rtt_median_us,rtt_p99_us\n");
    for (size_t i = 0; i < NMECHANISMS; i++) {
        if (!chosen[i])
            continue;
        fprintf(f, "%s", mechanisms[i]->name);
        for (int k = 0; k < NSIZES; k++)
            fprintf(f, ",%s", rows[i].mbps[k] < 0 ? "NA" : figure_text(rows[i].mbps[k], text, sizeof text));
        fprintf(f, ",%s", figure_text(rows[i].rtt_median, text, sizeof text));
        fprintf(f, ",%s\n", figure_text(rows[i].rtt_p99, text, sizeof text));
    }
    bool failed = ferror(f);
    if (fclose(f) == EOF || failed)
        die(path);
    put_in_place(path);
    printf("CSV: %s\n", path);
}

/* A gnuplot string: single quotes, a quote inside doubled. Single quotes,
 * because gnuplot runs `commands` in double-quoted strings. */
static void gnuplot_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s != '\0'; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

/* A file name for gnuplot: a relative one starts with ./, because gnuplot
 * runs '|command' (set output) and '<command' (plot) as shell commands. */
static void gnuplot_file(FILE *f, const char *path)
{
    char name[PATH_MAX + 2];
    if (snprintf(name, sizeof name, "%s%s", path[0] == '/' ? "" : "./", path) >= (int)sizeof name)
        fail("%s: name too long", path);
    gnuplot_string(f, name);
}

void draw_chart(const char *csv, const char *png, const char *machine)
{
    /* Back to the defaults: popen's child must be waited for normally. */
    catch_signal(SIGCHLD, SIG_DFL);
    int status = system("command -v gnuplot >/dev/null 2>&1");
    if (status == -1)
        die("system");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("chart: not drawn: gnuplot is not installed (apt-get install gnuplot-nox)\n");
        return;
    }
    fflush(stdout);
    FILE *gp = popen("gnuplot", "w");
    if (gp == NULL)
        die("popen gnuplot");
    /* noenhanced: shm_sem is a name, not shm with a subscript. */
    fputs("set terminal png size 1100,520 noenhanced\nset output ", gp);
    gnuplot_file(gp, start_output(png));
    fputs("\nset datafile separator ','\nset datafile missing 'NA'\n"
          "set style data histograms\nset style histogram clustered gap 1\n"
          "set style fill solid 0.8 border -1\nset logscale y\nset grid ytics\n"
          "set xtics rotate by -30\nset key outside below horizontal\n"
          "set multiplot layout 1,2 title ", gp);
    gnuplot_string(gp, machine);
    fputs("\nset title 'throughput, MB/s (log scale; higher is better)'\nplot ", gp);
    gnuplot_file(gp, csv);
    fputs(" every ::1 using 2:xtic(1) title '64 B', '' every ::1 using 3 title '4 KiB',"
          " '' every ::1 using 4 title '64 KiB', '' every ::1 using 5 title '1 MiB'\n"
          "set title 'round trip, microseconds (log scale; lower is better)'\nplot ", gp);
    gnuplot_file(gp, csv);
    fputs(" every ::1 using 6:xtic(1) title 'median', '' every ::1 using 7 title '99th percentile'\n"
          "unset multiplot\n", gp);
    bool write_failed = ferror(gp) != 0;    /* gnuplot quit early, for one */
    status = pclose(gp);
    if (status == -1)
        die("pclose gnuplot");
    if (write_failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("gnuplot failed (exit status %d): no chart", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    put_in_place(png);
    printf("chart: %s\n", png);
}

/* "2 CPUs, AMD EPYC, Linux 6.1.0" from sysconf(), /proc/cpuinfo and uname(). */
void describe_machine(char *buf, size_t len)
{
    char model[128] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f != NULL) {
        char line[256];
        while (fgets(line, sizeof line, f) != NULL) {
            char *colon = strchr(line, ':');
            if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
                char *value = colon + 1 + strspn(colon + 1, " \t");
                snprintf(model, sizeof model, "%.*s", (int)strcspn(value, "\n"), value);
                break;
            }
        }
        if (fclose(f) == EOF)
            die("/proc/cpuinfo");
    }
    struct utsname u;
    if (uname(&u) == -1)
        die("uname");
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    int allowed = CPU_COUNT(&original_cpus);
    if (allowed < online)
        snprintf(buf, len, "%ld CPUs (%d allowed), %s, %s %s", online, allowed, model, u.sysname, u.release);
    else
        snprintf(buf, len, "%ld CPUs, %s, %s %s", online, model, u.sysname, u.release);
}
