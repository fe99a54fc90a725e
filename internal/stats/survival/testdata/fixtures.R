# Reference values for the estimators of package survival, from R's
# survival package. Run from this directory:
#
#   Rscript fixtures.R        # writes fixtures.json
#
# (R and the packages: apt-get install r-base-core r-cran-survival
# r-cran-jsonlite.) The tests read fixtures.json and never need R.
#
# Every data set uses CaseTrack's conventions: whole days, a case at risk
# on days start+1 .. stop (start = -1 for a case followed from filing), and
# for competing events a state 0 (no event), 1, 2, ...
suppressMessages({library(survival); library(jsonlite)})

# km fits a single-state curve with delayed entry and returns the data,
# the curve at its event times and the median with its 95% interval.
km <- function(name, start, stop, event) {
  d <- data.frame(start = start, stop = stop, event = event)
  f <- survfit(Surv(start, stop, event) ~ 1, data = d, conf.type = "log")
  s <- summary(f)
  q <- quantile(f, probs = c(0.25, 0.5, 0.75), conf.int = TRUE)
  na <- function(x) ifelse(is.na(x), -1, x)
  list(name = name, start = start, stop = stop, event = event,
       time = s$time, n_risk = s$n.risk, n_event = s$n.event,
       surv = s$surv, std_err = s$std.err, lower = s$lower, upper = s$upper,
       quantile = na(unname(q$quantile)), quantile_lower = na(unname(q$lower)),
       quantile_upper = na(unname(q$upper)))
}

# aj fits the Aalen-Johansen estimate for competing events 1..k and
# returns the state probabilities and their standard errors (infinitesimal
# jackknife, R's default) at every event time.
aj <- function(name, start, stop, state, k) {
  d <- data.frame(start = start, stop = stop,
                  state = factor(state, 0:k, c("none", paste0("e", 1:k))))
  f <- survfit(Surv(start, stop, state) ~ 1, data = d, id = seq_along(start))
  ev <- f$n.event
  if (is.matrix(ev)) ev <- rowSums(ev)
  keep <- ev > 0
  list(name = name, start = start, stop = stop, state = state, kinds = k,
       time = f$time[keep], n_risk = f$n.risk[keep, 1],
       pstate = f$pstate[keep, , drop = FALSE], std_err = f$std.err[keep, , drop = FALSE])
}

set.seed(20261201)

# Small hand-made sets: ties of events and exits, entries on event days,
# a case entering after every event.
single <- list(
  km("ties", start = c(-1, -1, -1, 2, 3, -1, 5, -1, 4, 4),
     stop = c(4, 6, 4, 7, 9, 3, 10, 4, 9, 12),
     event = c(1, 0, 1, 1, 1, 1, 0, 0, 1, 1)),
  km("no-truncation", start = rep(-1, 12),
     stop = c(5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45),
     event = c(1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1))
)

# Random sets in the shape of CaseTrack's data: some cases followed from
# filing, others entering when first shared; durations of months to years,
# pending cases censored.
rand_km <- function(name, n, share_late, scale) {
  late <- runif(n) < share_late
  start <- ifelse(late, floor(runif(n, 0, scale)), -1)
  t <- floor(rlnorm(n, log(scale), 0.5))
  c <- floor(runif(n, 0, 3 * scale))
  stop <- pmin(t, c)
  event <- as.integer(t <= c)
  ok <- stop > start
  km(name, start[ok], stop[ok], event[ok])
}
single <- c(single, list(
  rand_km("random-60", 60, 0.3, 200),
  rand_km("random-400", 400, 0.5, 400),
  rand_km("random-2000", 2000, 0.6, 500)
))

rand_aj <- function(name, n, k, share_late, scale) {
  late <- runif(n) < share_late
  start <- ifelse(late, floor(runif(n, 0, scale / 2)), -1)
  times <- sapply(1:k, function(j) floor(rexp(n, 1 / (scale * j))))
  first <- apply(times, 1, min)
  kind <- apply(times, 1, which.min)
  c <- floor(runif(n, 0, 2 * scale))
  stop <- pmin(first, c)
  state <- ifelse(first <= c, kind, 0)
  ok <- stop > start
  aj(name, start[ok], stop[ok], state[ok], k)
}
multi <- list(
  aj("hand", start = c(-1, -1, 2, 3, -1, 5, -1, -1), stop = c(4, 6, 7, 9, 3, 10, 7, 8),
     state = c(1, 0, 2, 1, 2, 0, 1, 2), k = 2),
  rand_aj("random-80", 80, 2, 0.3, 150),
  rand_aj("random-500", 500, 2, 0.5, 300),
  rand_aj("random-300-three", 300, 3, 0.4, 200)
)

writeLines(toJSON(list(r_version = R.version.string,
                       survival_version = as.character(packageVersion("survival")),
                       km = single, aj = multi), digits = NA, auto_unbox = TRUE, pretty = FALSE),
           "fixtures.json")
