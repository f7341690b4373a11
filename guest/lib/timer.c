/* Delays and deadlines on the virtual counter (CNTVCT_EL0). */
#include "guest.h"

u64 timer_us_to_ticks(u64 us)
{
	u64 f = timer_freq();

	if (!f)
		f = 62500000;	/* a plausible default if firmware left it 0 */
	return us * (f / 1000000) + us * (f % 1000000) / 1000000;
}

u64 deadline_us(u64 us)
{
	return timer_count() + timer_us_to_ticks(us);
}

int deadline_passed(u64 deadline)
{
	return (s64)(timer_count() - deadline) >= 0;
}

void udelay(u64 us)
{
	u64 d = deadline_us(us);

	while (!deadline_passed(d))
		cpu_relax();
}
