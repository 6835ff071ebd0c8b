package dev.perfmon.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Lock-free statistics of one operation: an exact call count, an error count, the sum, minimum and
 * maximum of the durations, and a log-linear histogram (see {@link Buckets}) of them.
 *
 * <h2>Layout and cost</h2>
 *
 * <p>The recorder holds {@code lanes} ({@link #LANE_COUNT}) single-writer stripes and one shared
 * stripe. A thread's <em>home</em> lane is {@code threadId & (lanes - 1)}. On its first call a
 * thread claims (compare-and-set) the first free lane among its home lane and the next {@link
 * #PROBES}{@code - 1} lanes, and owns it from then on: it updates it with plain loads and
 * opaque/release stores (no lock-prefixed instruction, nothing shared with other threads' cache
 * lines). Finding it again costs one load and compare per lane probed, so two threads whose ids
 * collide both still get a lane of their own. A thread that finds all its probed lanes owned by
 * other live threads records into the shared stripe with atomic read-modify-write operations.
 * Either way every call is counted exactly once.
 *
 * <p>A call allocates nothing, except a thread's first call on the operation (one stripe, about
 * 456 bytes) and the first call of a stripe that lands in a histogram page (one power of two of
 * durations), which allocates that 528-byte page (64 bucket counts) once, and with a stripe's first
 * page the stripe's page totals (one call total per page, 296 bytes). A stripe holds at most
 * {@link Buckets#PAGES} pages; there are at most {@code lanes + 2} stripes (the lanes, the shared
 * one and the reader's {@code retired} totals). Memory per operation is therefore bounded by
 * {@code (lanes + 2) * (456 + 296 + Buckets.PAGES * 528)} bytes (about 77 KB with 2 lanes, 346 KB
 * with 16) and in practice a few pages per stripe that was used: see {@link #footprintBytes()}.
 *
 * <h2>Reading</h2>
 *
 * <p>{@link #readInto} is called by one reader thread (the snapshot thread). Writers never wait for
 * it. Counts are monotonic; the reader takes deltas between two reads for interval figures. A call
 * that is being recorded while the reader reads is either wholly in this read or wholly in the next
 * one as far as its count and error flag go (errors are published after the bucket, and read before
 * it), so {@code errors <= count} in every read. When a lane's owner thread has terminated, the
 * reader folds the lane into its own {@code retired} totals and frees the lane for another thread
 * (a live thread may then claim it as well and own two lanes; the reader reads every lane, so that
 * changes nothing for the counts).
 *
 * <p>Thread-safety: {@link #record} may be called by any number of threads concurrently;
 * {@link #readInto} by one thread at a time.
 *
 * <h2>Progress guarantees, per path</h2>
 *
 * <ul>
 *   <li><b>Recording on an owned lane</b> ({@link #record}, {@link #sampleCall}): wait-free. A
 *       bounded number of steps whatever other threads do: at most {@link #PROBES} loads to find
 *       the lane, then plain loads and opaque/release stores; no compare-and-set, no loop, no lock.
 *   <li><b>Claiming a lane</b> (a thread's first call on the operation): wait-free too: at most
 *       {@link #PROBES} compare-and-sets, none retried (a lost race moves on to the next lane or to
 *       the shared stripe).
 *   <li><b>Recording on the shared stripe</b> (every probed lane owned by another live thread):
 *       lock-free. The counts, the sum and the errors are atomic additions (a single instruction
 *       on x86; on LL/SC machines a loop that fails only when another thread's addition
 *       succeeded); the minimum and maximum are compare-and-set loops that retry only while
 *       another thread has just changed them and stop as soon as the value is no longer an
 *       improvement. A histogram page is created with one compare-and-exchange, not retried.
 *   <li><b>Reading</b> ({@link #readInto}, {@link #readPagesInto}, {@link #readPageTotals}, {@link
 *       #readPage}, {@link #readSkipped}): wait-free with respect to the writers, whom it never
 *       waits for or retries because of: bounded by lanes x pages x 64 loads, plus the copy of a
 *       dead owner's lane when it folds one. Readers must be serialised by the caller (one
 *       reader at a time: the snapshot thread).
 * </ul>
 *
 * <h2>What a read concurrent with recordings may see</h2>
 *
 * <ul>
 *   <li>Every call is counted in exactly one read's buckets: this one or a later one. Counts only
 *       grow; a dead owner's lane is counted once (in its lane, or in the reader's retired totals
 *       after folding; the same read does both).
 *   <li>Errors never exceed the calls counted in the same read: errors are read first (acquire)
 *       and published last (release) by the writer.
 *   <li>In the two-step read, a page's total may run ahead of the buckets read after it (a call
 *       between its two stores), never behind them; a page whose total equals the sum of the
 *       buckets kept from the previous read has unchanged buckets.
 *   <li>The sum, minimum and maximum are read with opaque loads: while calls are in flight they
 *       may include a call whose bucket is not visible yet, or miss one whose bucket is; they
 *       agree with the counts once recording is quiescent, and the next read catches up.
 * </ul>
 *
 * <p>These claims are tested with jcstress ({@code jcstress/}: {@code java -jar
 * jcstress/target/jcstress.jar -t OperationRecorder -m quick}, see docs/diagnostics.md).
 */
public final class OperationRecorder {
  private static final VarHandle PAGES = MethodHandles.arrayElementVarHandle(long[][].class);
  private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle LANES = MethodHandles.arrayElementVarHandle(Stripe[].class);
  private static final VarHandle FOOTPRINT;

  static {
    try {
      FOOTPRINT = MethodHandles.lookup().findVarHandle(OperationRecorder.class, "footprint", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Bytes of one histogram page array (header and {@link Buckets#SUB_BUCKETS} counts). */
  static final long PAGE_BYTES = 16 + 8L * Buckets.SUB_BUCKETS;

  /** Bytes of one stripe without pages (object, padding and its page table). */
  static final long STRIPE_BYTES = 160 + 16 + 8L * Buckets.PAGES;

  /** Bytes of a stripe's page totals, allocated with its first page. */
  static final long TOTALS_BYTES = 16 + 8L * Buckets.PAGES;

  /** Lanes per operation: the next power of two at or above the processor count, at most 16. */
  static final int LANE_COUNT = lanesFor(Runtime.getRuntime().availableProcessors());

  /**
   * Lanes a thread tries, from its home lane on, before it falls back to the shared stripe. Small,
   * because a thread that owns none of them pays one load per probe on every call.
   */
  static final int PROBES = Math.min(LANE_COUNT, 4);

  private final int id;
  private final String name;
  private final Stripe[] lanes = new Stripe[LANE_COUNT];
  private final Stripe shared = new Stripe(this, null);
  /** Reader-owned totals of lanes whose owner thread terminated. */
  private final Stripe retired = new Stripe(this, null);

  /** Calls at or above this duration are reported to {@link SlowCalls}. */
  private volatile long slowNanos = Long.MAX_VALUE;

  /**
   * Bytes of the stripes and pages this recorder holds ({@link #footprintBytes}): added to when a
   * lane's stripe, a page or a stripe's page totals are created (atomically: writers create
   * them), taken from when the reader folds a lane. Never touched by a call that creates nothing.
   */
  @SuppressWarnings("unused") // through FOOTPRINT
  private volatile long footprint = 64 + 16L * LANE_COUNT + 2 * STRIPE_BYTES;

  public OperationRecorder(int id, String name) {
    this.id = id;
    this.name = name;
  }

  static int lanesFor(int processors) {
    int n = Integer.highestOneBit(Math.max(1, Math.min(16, processors)));
    return n < processors && n < 16 ? n << 1 : n;
  }

  public int id() {
    return id;
  }

  public String name() {
    return name;
  }

  public void setSlowThresholdNanos(long nanos) {
    this.slowNanos = nanos <= 0 ? Long.MAX_VALUE : nanos;
  }

  public long slowThresholdNanos() {
    return slowNanos;
  }

  /** Sampling: out of {@link #SAMPLE_SCALE}, how many calls are timed; see {@link #sampleThreshold}. */
  public static final int SAMPLE_SCALE = 1 << 24;

  private volatile int sampleThreshold = SAMPLE_SCALE;

  /** Times only this share (0..1) of the calls; the others are counted without clock reads. */
  public void setSampleRate(double rate) {
    double r = Math.max(0, Math.min(1, rate));
    this.sampleThreshold = r >= 1 ? SAMPLE_SCALE : (int) Math.round(r * SAMPLE_SCALE);
  }

  public double sampleRate() {
    return (double) sampleThreshold / SAMPLE_SCALE;
  }

  /**
   * The sampling threshold: a call is timed when a uniformly random value in
   * [0, {@link #SAMPLE_SCALE}) is below it. {@code SAMPLE_SCALE} means every call.
   */
  public int sampleThreshold() {
    return sampleThreshold;
  }

  /**
   * The sampling decision for one call of a sampled operation: true when the call is to be timed
   * (and then recorded with {@link #record}); false when it is not, in which case it has been
   * counted here already (its error, if any, is added with {@link #recordSkippedError()}). The
   * owner of a lane draws from a per-lane xorshift generator, so a skipped call costs a lane
   * look-up, a few arithmetic operations and one plain store.
   */
  public boolean sampleCall() {
    int threshold = sampleThreshold;
    Thread t = Thread.currentThread();
    int home = (int) t.getId();
    Stripe s = lanes[home & (LANE_COUNT - 1)];
    if (s != null && s.owner == t) {
      return s.sampleOwned(threshold);
    }
    s = claimLane(t, home);
    if (s != null) {
      return s.sampleOwned(threshold);
    }
    if ((java.util.concurrent.ThreadLocalRandom.current().nextInt() & (SAMPLE_SCALE - 1)) < threshold) {
      return true;
    }
    shared.skippedShared();
    return false;
  }

  /** Counts the error of a call that {@link #sampleCall()} counted without timing it. */
  public void recordSkippedError() {
    Thread t = Thread.currentThread();
    Stripe s = ownedLane(t, (int) t.getId());
    if (s != null) {
      s.skippedErrorOwned();
    } else {
      shared.skippedErrorShared();
    }
  }

  /**
   * Adds the counts of skipped (sampled-out) calls to {@code into} = {calls, errors}. Single
   * reader only, like {@link #readInto}.
   */
  public void readSkipped(long[] into) {
    for (int i = 0; i < LANE_COUNT; i++) {
      Stripe s = (Stripe) LANES.getAcquire(lanes, i);
      if (s != null) {
        s.readSkipped(into);
      }
    }
    shared.readSkipped(into);
    retired.readSkipped(into);
  }

  /**
   * Records one finished call. Allocation-free apart from a stripe's first use of a histogram page
   * and a thread's first call on this operation. Never throws for any input.
   */
  public void record(long nanos, boolean error) {
    if (nanos < 0) {
      nanos = 0;
    }
    Thread t = Thread.currentThread();
    int home = (int) t.getId();
    // Fast path: the thread owns its home lane. A plain read: a stale value only sends the call
    // down the slower path, which re-reads with acquire semantics.
    Stripe s = lanes[home & (LANE_COUNT - 1)];
    if (s != null && s.owner == t) {
      s.recordOwned(nanos, error);
    } else {
      recordElsewhere(t, home, nanos, error);
    }
    if (nanos >= slowNanos) {
      SlowCalls.report(id, nanos, error);
    }
  }

  /** The thread does not own its home lane: probe the next lanes, claim a free one, or share. */
  private void recordElsewhere(Thread t, int home, long nanos, boolean error) {
    Stripe s = claimLane(t, home);
    if (s != null) {
      s.recordOwned(nanos, error);
    } else {
      shared.recordShared(nanos, error);
    }
  }

  /**
   * The lane {@code t} owns among its home lane and the next {@link #PROBES} - 1, claiming the
   * first free one if it owns none; null when they are all owned by other threads.
   */
  private Stripe claimLane(Thread t, int home) {
    for (int k = 0; k < PROBES; k++) {
      int lane = (home + k) & (LANE_COUNT - 1);
      Stripe s = (Stripe) LANES.getAcquire(lanes, lane);
      if (s == null) {
        Stripe mine = new Stripe(this, t);
        if (LANES.compareAndSet(lanes, lane, (Stripe) null, mine)) {
          addFootprint(STRIPE_BYTES);
          return mine;
        }
        s = (Stripe) LANES.getAcquire(lanes, lane);
      }
      if (s != null && s.owner == t) {
        return s;
      }
    }
    return null;
  }

  /** The lane {@code t} owns among its probe lanes, without claiming one; null when none. */
  private Stripe ownedLane(Thread t, int home) {
    for (int k = 0; k < PROBES; k++) {
      Stripe s = (Stripe) LANES.getAcquire(lanes, (home + k) & (LANE_COUNT - 1));
      if (s != null && s.owner == t) {
        return s;
      }
    }
    return null;
  }

  /**
   * Adds this recorder's cumulative figures to {@code into}: {@code counts} (length
   * {@link Buckets#BUCKETS}) and {@code totals} = {errors, sum, min, max}. Single reader only.
   *
   * @return the number of lanes folded into the retired totals during this read
   */
  public int readInto(long[] counts, long[] totals) {
    return (int) (readPages(counts, totals) >>> Buckets.PAGES);
  }

  /**
   * As {@link #readInto}, and tells which histogram pages it added to: bit {@code p} of the
   * result's low {@link Buckets#PAGES} bits is set when page {@code p} (buckets {@code p * 64} to
   * {@code p * 64 + 63}) of some stripe exists; counts outside those pages were left untouched. The
   * bits above are the number of lanes folded. Lets the reader clear and scan only the pages an
   * operation uses (a few of the {@link Buckets#PAGES}). Single reader only.
   */
  public long readPagesInto(long[] counts, long[] totals) {
    return readPages(counts, totals);
  }

  /**
   * The first half of a two-step read that visits only the histogram pages with new calls: adds
   * this recorder's {@code totals} = {errors, sum, min, max} and, for each page {@code p}, the
   * number of calls recorded in it so far to {@code pageTotals[p]} (length {@link Buckets#PAGES}).
   * Returns the mask of the pages with calls in the low {@link Buckets#PAGES} bits and the number
   * of lanes folded above them. The totals of a stripe's pages are kept in one array, so this
   * reads a cache line or two per stripe and touches no page. The reader then calls {@link
   * #readPage} for the pages whose total changed since its previous read: counts only grow, so a
   * page whose total is unchanged holds exactly the buckets read last time.
   *
   * <p>A page's total is published before its bucket, and an error after both. So a page whose
   * total equals the sum of the buckets the reader read last time has no bucket increment it has
   * not seen (every visible bucket increment has its total increment visible too), and an error
   * read here belongs to a call that is either in those buckets or makes its page's total differ.
   * A total read here can run ahead of the buckets a later {@link #readPage} sees (a call between
   * its two stores): the reader keeps the buckets' sum as the page's total, and the next read
   * finds the difference. Nothing is counted twice or lost. Single reader only.
   */
  public long readPageTotals(long[] pageTotals, long[] totals) {
    long mask = 0;
    long folded = 0;
    for (int i = 0; i < LANE_COUNT; i++) {
      Stripe s = liveLane(i);
      if (s == null) {
        folded += foldedNow;
        continue;
      }
      mask |= s.read(null, pageTotals, totals);
    }
    mask |= shared.read(null, pageTotals, totals);
    mask |= retired.read(null, pageTotals, totals);
    return mask | (folded << Buckets.PAGES);
  }

  /** Whether the latest {@link #liveLane} call folded its lane (reader only). */
  private int foldedNow;

  /**
   * Lane {@code i}'s stripe; null when the lane is free or its owner thread has terminated, in
   * which case the lane is folded into {@link #retired} and freed here ({@link #foldedNow} is then
   * 1). Termination happens-before {@code isAlive()} returning false: such a lane is final. Reader
   * only.
   */
  private Stripe liveLane(int i) {
    foldedNow = 0;
    Stripe s = (Stripe) LANES.getAcquire(lanes, i);
    if (s == null) {
      return null;
    }
    Thread owner = s.owner;
    if (owner != null && !owner.isAlive()) {
      s.addTo(retired);
      LANES.setRelease(lanes, i, (Stripe) null);
      addFootprint(-s.footprintBytes());
      foldedNow = 1;
      return null;
    }
    return s;
  }

  /**
   * Adds the 64 bucket counts of histogram page {@code p} (buckets {@code p * 64} to {@code p * 64
   * + 63}), summed over all stripes, to {@code into[0..63]}; returns their sum. The second half of
   * the read that {@link #readPageTotals} starts. Single reader only.
   */
  public long readPage(int p, long[] into) {
    long total = 0;
    for (int i = 0; i < LANE_COUNT; i++) {
      Stripe s = (Stripe) LANES.getAcquire(lanes, i);
      if (s != null) {
        total += s.readPage(p, into);
      }
    }
    return total + shared.readPage(p, into) + retired.readPage(p, into);
  }

  /**
   * As {@link #readPage}, for buckets {@code from} to {@code to - 1} of page {@code p} only (added
   * to {@code into[from..to-1]}): lets a reader that knows how many calls a page gained stop
   * reading it once it has found them. Single reader only.
   */
  public void readBuckets(int p, int from, int to, long[] into) {
    for (int i = 0; i < LANE_COUNT; i++) {
      Stripe s = (Stripe) LANES.getAcquire(lanes, i);
      if (s != null) {
        s.readBuckets(p, from, to, into);
      }
    }
    shared.readBuckets(p, from, to, into);
    retired.readBuckets(p, from, to, into);
  }

  /** The most arrays {@link #pageArrays} gives: one per lane, the shared stripe's and the retired one's. */
  public static final int MAX_PAGE_ARRAYS = LANE_COUNT + 2;

  /**
   * The arrays that hold page {@code p}'s 64 bucket counts in this recorder's stripes (those that
   * have the page), into {@code into} (at least {@link #MAX_PAGE_ARRAYS} long); returns how many.
   * Page {@code p}'s bucket {@code i} is the sum of element {@code i} of these arrays. For a reader
   * that reads many buckets of a page (usually of one array: a single recording thread's lane)
   * without a call per bucket range: it must read them as {@link #readPage} does (acquire loads,
   * see there) and never write them. Single reader only.
   */
  public int pageArrays(int p, long[][] into) {
    int n = 0;
    for (int i = 0; i < LANE_COUNT; i++) {
      Stripe s = (Stripe) LANES.getAcquire(lanes, i);
      long[] page = s == null ? null : (long[]) PAGES.getAcquire(s.pages, p);
      if (page != null) {
        into[n++] = page;
      }
    }
    long[] page = (long[]) PAGES.getAcquire(shared.pages, p);
    if (page != null) {
      into[n++] = page;
    }
    page = (long[]) PAGES.getAcquire(retired.pages, p);
    if (page != null) {
      into[n++] = page;
    }
    return n;
  }

  /**
   * Loads what {@link #readPageTotals} reads first (each stripe and its page totals) and returns a
   * value derived from it, meaningless but for making the loads happen: a reader about to read
   * many recorders touches a batch of them first, so that their cache misses overlap instead of
   * coming one after the other. Changes nothing. Single reader only.
   */
  public long touch() {
    long sum = 0;
    for (int i = 0; i < LANE_COUNT; i++) {
      Stripe s = (Stripe) LANES.getOpaque(lanes, i);
      if (s != null) {
        sum += s.touch();
      }
    }
    return sum + shared.touch() + retired.touch();
  }

  /**
   * Loads page {@code p} of every stripe (one count per cache line) and returns a value derived
   * from it, meaningless but for making the loads happen (see {@link #touch}): a reader about to
   * read the pages that changed in many recorders touches them first. Changes nothing. Single
   * reader only.
   */
  public long touchPage(int p) {
    long sum = 0;
    for (int i = 0; i < LANE_COUNT; i++) {
      Stripe s = (Stripe) LANES.getOpaque(lanes, i);
      if (s != null) {
        sum += s.touchPage(p);
      }
    }
    return sum + shared.touchPage(p) + retired.touchPage(p);
  }

  private long readPages(long[] counts, long[] totals) {
    long mask = 0;
    long folded = 0;
    for (int i = 0; i < LANE_COUNT; i++) {
      Stripe s = liveLane(i);
      if (s == null) {
        folded += foldedNow;
        continue;
      }
      mask |= s.read(counts, null, totals);
    }
    mask |= shared.read(counts, null, totals);
    mask |= retired.read(counts, null, totals);
    return mask | (folded << Buckets.PAGES);
  }

  /** The number of lanes {@code t} owns (for tests). */
  int lanesOwnedBy(Thread t) {
    int n = 0;
    for (int i = 0; i < LANE_COUNT; i++) {
      Stripe s = (Stripe) LANES.getAcquire(lanes, i);
      if (s != null && s.owner == t) {
        n++;
      }
    }
    return n;
  }

  /**
   * Bytes of histogram pages and stripes this recorder currently holds (an estimate): one load,
   * kept up to date as stripes and pages are created and lanes folded.
   */
  public long footprintBytes() {
    return (long) FOOTPRINT.getOpaque(this);
  }

  /** Adds {@code bytes} to {@link #footprintBytes} (a stripe or a page was created, or freed). */
  void addFootprint(long bytes) {
    FOOTPRINT.getAndAdd(this, bytes);
  }

  @Override
  public String toString() {
    return "OperationRecorder[" + id + ", " + name + "]";
  }

  /** One stripe of counters. Padded so that two stripes' hot fields never share a cache line. */
  static final class Stripe {
    private static final VarHandle SUM;
    private static final VarHandle ERRORS;
    private static final VarHandle MIN;
    private static final VarHandle MAX;
    private static final VarHandle SKIPPED;
    private static final VarHandle SKIPPED_ERRORS;
    private static final VarHandle PAGE_MASK;
    private static final VarHandle TOTALS;

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        SUM = l.findVarHandle(Stripe.class, "sum", long.class);
        ERRORS = l.findVarHandle(Stripe.class, "errors", long.class);
        MIN = l.findVarHandle(Stripe.class, "min", long.class);
        MAX = l.findVarHandle(Stripe.class, "max", long.class);
        SKIPPED = l.findVarHandle(Stripe.class, "skipped", long.class);
        SKIPPED_ERRORS = l.findVarHandle(Stripe.class, "skippedErrors", long.class);
        PAGE_MASK = l.findVarHandle(Stripe.class, "pageMask", long.class);
        TOTALS = l.findVarHandle(Stripe.class, "totals", long[].class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    long p01, p02, p03, p04, p05, p06, p07;
    final Thread owner;
    /** The recorder this stripe belongs to (its footprint grows with the stripe's pages). */
    final OperationRecorder recorder;
    final long[][] pages = new long[Buckets.PAGES][];
    /**
     * The call total of each page ({@code totals[p]} = the sum of page p's buckets, kept by the
     * writer), in one array rather than one per page: the reader reads the totals of all the pages
     * an operation uses from a cache line or two, and visits the pages whose total changed only.
     * Null until the stripe's first page is created (published before the page and its mask bit).
     */
    long[] totals;
    long sum;
    long errors;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long skipped;
    long skippedErrors;
    /**
     * Bit p set: page p exists or is about to (set before the page is published, so a reader that
     * sees a count of the page, or an error published after it, sees the bit). Lets the reader
     * visit only the pages in use. Written only when a page is created.
     */
    long pageMask;
    /** The owner's sampling generator (xorshift32); never 0. */
    int rng;
    long p11, p12, p13, p14, p15, p16, p17;

    Stripe(OperationRecorder recorder, Thread owner) {
      this.recorder = recorder;
      this.owner = owner;
      this.rng = (System.identityHashCode(this) * 0x9E3779B9) | 1;
    }

    /** Single-writer sampling decision; counts the call when it is not to be timed. */
    boolean sampleOwned(int threshold) {
      int x = rng;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      rng = x;
      if ((x & (SAMPLE_SCALE - 1)) < threshold) {
        return true;
      }
      SKIPPED.setOpaque(this, skipped + 1);
      return false;
    }

    /** Single-writer path: only {@link #owner} calls this. */
    void recordOwned(long nanos, boolean error) {
      int index = Buckets.index(nanos);
      int p = index >>> Buckets.SUB_BITS;
      long[] page = pages[p];
      if (page == null) {
        page = newPage(p);
      }
      long[] t = totals; // created before the first page, by this thread
      int i = index & (Buckets.SUB_BUCKETS - 1);
      // The page's call total first, then (release: after the total) its bucket: a reader that
      // sees a bucket increment sees its total's, so an unchanged total means unchanged buckets.
      COUNTS.setOpaque(t, p, t[p] + 1);
      COUNTS.setRelease(page, i, page[i] + 1);
      SUM.setOpaque(this, sum + nanos);
      if (nanos < min) {
        MIN.setOpaque(this, nanos);
      }
      if (nanos > max) {
        MAX.setOpaque(this, nanos);
      }
      if (error) {
        // Release: a reader that sees this error also sees the bucket increment above.
        ERRORS.setRelease(this, errors + 1);
      }
    }

    /**
     * Creates page {@code p} of a single-writer stripe (an owned lane, or the reader's retired
     * totals), and the page totals with the first page. Off the recording path's inlined code.
     */
    private long[] newPage(int p) {
      if (totals == null) {
        TOTALS.setRelease(this, new long[Buckets.PAGES]);
        recorder.addFootprint(TOTALS_BYTES);
      }
      long[] page = new long[Buckets.SUB_BUCKETS];
      PAGE_MASK.setRelease(this, pageMask | (1L << p));
      PAGES.setRelease(pages, p, page);
      recorder.addFootprint(PAGE_BYTES);
      return page;
    }

    void skippedErrorOwned() {
      SKIPPED_ERRORS.setRelease(this, skippedErrors + 1);
    }

    void skippedErrorShared() {
      SKIPPED_ERRORS.getAndAdd(this, 1L);
    }

    /** Multi-writer count of a call that was not timed (the owned path is in sampleOwned). */
    void skippedShared() {
      SKIPPED.getAndAdd(this, 1L);
    }

    void readSkipped(long[] into) {
      long e = (long) SKIPPED_ERRORS.getAcquire(this);
      into[0] += (long) SKIPPED.getOpaque(this);
      into[1] += e;
    }

    /** Multi-writer path. */
    void recordShared(long nanos, boolean error) {
      int index = Buckets.index(nanos);
      int p = index >>> Buckets.SUB_BITS;
      long[] page = (long[]) PAGES.getAcquire(pages, p);
      if (page == null) {
        page = newSharedPage(p);
      }
      // Not null: created before any page, and this thread has seen a page.
      long[] t = (long[]) TOTALS.getAcquire(this);
      COUNTS.getAndAdd(t, p, 1L); // the total before the bucket, as in recordOwned
      COUNTS.getAndAdd(page, index & (Buckets.SUB_BUCKETS - 1), 1L);
      SUM.getAndAdd(this, nanos);
      long m;
      while (nanos < (m = (long) MIN.getVolatile(this)) && !MIN.compareAndSet(this, m, nanos)) {
        Thread.onSpinWait();
      }
      while (nanos > (m = (long) MAX.getVolatile(this)) && !MAX.compareAndSet(this, m, nanos)) {
        Thread.onSpinWait();
      }
      if (error) {
        ERRORS.getAndAdd(this, 1L);
      }
    }

    /** Creates page {@code p} of the shared stripe, and its page totals, unless a racing thread did. */
    private long[] newSharedPage(int p) {
      if (TOTALS.getAcquire(this) == null
          && TOTALS.compareAndExchange(this, (long[]) null, new long[Buckets.PAGES]) == null) {
        recorder.addFootprint(TOTALS_BYTES);
      }
      PAGE_MASK.getAndBitwiseOr(this, 1L << p);
      long[] fresh = new long[Buckets.SUB_BUCKETS];
      long[] witness = (long[]) PAGES.compareAndExchange(pages, p, (long[]) null, fresh);
      if (witness != null) {
        return witness;
      }
      recorder.addFootprint(PAGE_BYTES);
      return fresh;
    }

    /**
     * Adds this stripe's errors, sum, min and max to {@code totals} and, for each page it holds,
     * its buckets to {@code counts} (all {@link Buckets#BUCKETS}; skipped when null) and its call
     * total to {@code pageTotals} (skipped when null); returns the mask of the pages it holds.
     */
    long read(long[] counts, long[] pageTotals, long[] totals) {
      long mask = 0;
      // Errors first (acquire), then buckets and page totals: every error read has its call's
      // bucket and page total increments visible.
      totals[0] += (long) ERRORS.getAcquire(this);
      totals[1] += (long) SUM.getOpaque(this);
      long mn = (long) MIN.getOpaque(this);
      long mx = (long) MAX.getOpaque(this);
      long present = (long) PAGE_MASK.getAcquire(this);
      // Not null when a page bit is set: created before the first page and its bit.
      long[] t = present == 0 ? null : (long[]) TOTALS.getAcquire(this);
      for (; present != 0; present &= present - 1) {
        int p = Long.numberOfTrailingZeros(present);
        if (pageTotals != null) {
          // Acquire: the buckets read after this (readPage) are at least as new as this total.
          // A page whose bit is set but that is not published yet has a total of 0.
          long n = (long) COUNTS.getAcquire(t, p);
          pageTotals[p] += n;
          if (counts == null) {
            mask |= n == 0 ? 0 : 1L << p;
            continue;
          }
        }
        long[] page = (long[]) PAGES.getAcquire(pages, p);
        if (page == null) {
          continue;
        }
        mask |= 1L << p;
        if (counts != null) {
          int base = p << Buckets.SUB_BITS;
          for (int i = 0; i < Buckets.SUB_BUCKETS; i++) {
            counts[base + i] += (long) COUNTS.getOpaque(page, i);
          }
        }
      }
      if (mn < totals[2]) {
        totals[2] = mn;
      }
      if (mx > totals[3]) {
        totals[3] = mx;
      }
      return mask;
    }

    /** Adds the buckets of page {@code p} to {@code into} (64 counts); returns their sum. */
    long readPage(int p, long[] into) {
      long[] page = (long[]) PAGES.getAcquire(pages, p);
      if (page == null) {
        return 0;
      }
      long total = 0;
      for (int i = 0; i < Buckets.SUB_BUCKETS; i++) {
        // Acquire (the writer's bucket store is a release after the page total): a bucket
        // increment seen here makes its total increment visible to this reader's later reads,
        // which the next readPageTotals relies on. Reader only; a plain load on x86.
        long c = (long) COUNTS.getAcquire(page, i);
        into[i] += c;
        total += c;
      }
      return total;
    }

    /** See {@link OperationRecorder#touchPage}. */
    long touchPage(int p) {
      long[] page = (long[]) PAGES.getOpaque(pages, p);
      if (page == null) {
        return 0;
      }
      long sum = 0;
      for (int i = 0; i < Buckets.SUB_BUCKETS; i += 8) {
        sum += page[i] + page[i + 7];
      }
      return sum;
    }

    /** See {@link OperationRecorder#touch}. */
    long touch() {
      long[] t = (long[]) TOTALS.getOpaque(this);
      long mask = (long) PAGE_MASK.getOpaque(this);
      if (t == null || mask == 0) {
        return mask;
      }
      // The first and the last used page's totals: the cache lines a read of the totals needs.
      return t[Long.numberOfTrailingZeros(mask)] + t[63 - Long.numberOfLeadingZeros(mask)];
    }

    /** Adds buckets {@code from} to {@code to - 1} of page {@code p} to {@code into}, as {@link #readPage}. */
    void readBuckets(int p, int from, int to, long[] into) {
      long[] page = (long[]) PAGES.getAcquire(pages, p);
      if (page == null) {
        return;
      }
      for (int i = from; i < to; i++) {
        into[i] += (long) COUNTS.getAcquire(page, i); // acquire: see readPage
      }
    }

    /** Adds a final (no longer written) stripe into the reader-owned {@code target}. */
    void addTo(Stripe target) {
      for (int p = 0; p < Buckets.PAGES; p++) {
        long[] page = (long[]) PAGES.getAcquire(pages, p);
        if (page == null) {
          continue;
        }
        long[] dst = (long[]) PAGES.getAcquire(target.pages, p);
        if (dst == null) {
          dst = target.newPage(p);
        }
        long[] into = target.totals;
        COUNTS.setOpaque(into, p, into[p] + totals[p]);
        for (int i = 0; i < Buckets.SUB_BUCKETS; i++) {
          COUNTS.setOpaque(dst, i, dst[i] + page[i]);
        }
      }
      SUM.setOpaque(target, target.sum + sum);
      ERRORS.setRelease(target, target.errors + errors);
      SKIPPED.setOpaque(target, target.skipped + skipped);
      SKIPPED_ERRORS.setRelease(target, target.skippedErrors + skippedErrors);
      if (min < target.min) {
        MIN.setOpaque(target, min);
      }
      if (max > target.max) {
        MAX.setOpaque(target, max);
      }
    }

    /** Bytes of this stripe and its pages, as {@link OperationRecorder#footprintBytes} counts them. */
    long footprintBytes() {
      long pagesUsed = Long.bitCount((long) PAGE_MASK.getAcquire(this));
      return STRIPE_BYTES + (TOTALS.getAcquire(this) == null ? 0 : TOTALS_BYTES) + pagesUsed * PAGE_BYTES;
    }
  }
}
