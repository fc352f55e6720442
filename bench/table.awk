# Reads `go test -bench -benchmem` output (any -count) and prints a table with the fastest
# run of each benchmark, the ratio of the provider's evaluator to cedar-go for each policy
# set size of BenchmarkVsCedar, and last `ratio_vs_cedar: <ours/cedar>` for the headline
# pair, the 10-statement set (the smallest, where the evaluator's index helps least).
# Before that, the plan-scale section: BenchmarkPolicySimulation's data source against its
# floor (the same schema, a Read that only decodes the configuration) at each number of
# requests, by CPU time per op (cpu-ns/op, the median of the runs; ns/op when absent), how
# the simulation grows from the smallest size to the largest, and last
# `simulation_vs_floor: <simulation/floor at the largest size>`. Then a whole `terraform
# plan` of the simulation (BenchmarkPolicySimulationPlan, with a real CLI): the provider's
# CPU against Terraform's own at each size (medians of the runs), how the provider's
# grows, and `plan_provider_vs_terraform: <provider/Terraform at the smallest size>`.
# Then the analyser's budget: BenchmarkBudget/adversarial (internal/analysis), the issue's
# worst question run until the default budget is spent, by the medians of its runs:
# representative requests per second of CPU, the figure DefaultBudget is calibrated from,
# and the CPU a question costs at the default (about a second at most), last
# `analysis_requests_per_cpu_second: <rate>`; then BenchmarkBudget/adversarial_decided, the
# same question as the analysis decides it (by parts): its CPU (the target: under a second)
# and the work it counts, last `analysis_adversarial_decided_cpu_seconds: <s>`.
# Usage: awk -f bench/table.awk bench-output.txt

BEGIN { headline = "statements=10" }

/^pkg: / {
	pkg = $2
	sub(/.*\//, "", pkg)
	next
}

/^Benchmark/ {
	name = $1
	sub(/-[0-9]+$/, "", name) # the GOMAXPROCS suffix
	ns = bytes = allocs = cpu = pcpu = tcpu = rps = rop = ""
	for (i = 3; i < NF; i++) {
		if ($(i + 1) == "ns/op") ns = $i
		else if ($(i + 1) == "cpu-ns/op") cpu = $i
		else if ($(i + 1) == "provider-cpu-ns/op") pcpu = $i
		else if ($(i + 1) == "terraform-cpu-ns/op") tcpu = $i
		else if ($(i + 1) == "requests/cpu-s") rps = $i
		else if ($(i + 1) == "requests/op") rop = $i
		else if ($(i + 1) == "B/op") bytes = $i
		else if ($(i + 1) == "allocs/op") allocs = $i
	}
	if (ns == "") next
	key = pkg "." name
	if (name ~ /^BenchmarkPolicySimulation\/requests=[0-9]+\/(floor|simulation)$/) {
		split(name, part, "/") # BenchmarkPolicySimulation, requests=N, floor|simulation
		if (cpu == "") cpu = ns
		simruns[part[2], part[3], ++nsimruns[part[2], part[3]]] = cpu + 0
		if (!(part[2] in simseen)) { simseen[part[2]] = 1; simsizes[++nsim] = part[2] }
	}
	if (name ~ /^BenchmarkPolicySimulationPlan\/requests=[0-9]+$/ && pcpu != "" && tcpu != "") {
		split(name, part, "/") # BenchmarkPolicySimulationPlan, requests=N
		planruns[part[2], "provider", ++nplanruns[part[2], "provider"]] = pcpu + 0
		planruns[part[2], "terraform", ++nplanruns[part[2], "terraform"]] = tcpu + 0
		if (!(part[2] in planseen)) { planseen[part[2]] = 1; plansizes[++nplan] = part[2] }
	}
	if (name == "BenchmarkBudget/adversarial" && cpu != "" && rps != "") {
		budgetruns["cpu", ++nbudget] = cpu + 0
		budgetruns["rps", nbudget] = rps + 0
	}
	if (name == "BenchmarkBudget/adversarial_decided" && cpu != "" && rop != "") {
		decidedruns["cpu", ++ndecided] = cpu + 0
		decidedruns["rop", ndecided] = rop + 0
	}
	if (!(key in best)) order[++n] = key
	else if (ns + 0 >= best[key] + 0) next
	best[key] = ns; bestB[key] = bytes; bestA[key] = allocs
	if (name ~ /^BenchmarkVsCedar\//) {
		split(name, part, "/") # BenchmarkVsCedar, statements=N, imspolicy|cedar
		if (!(part[2] in seen)) { seen[part[2]] = 1; sizes[++nsizes] = part[2] }
		nsop[part[2], part[3]] = ns
	}
}

END {
	printf "\n%-64s %12s %10s %10s\n", "benchmark (fastest of the runs)", "ns/op", "B/op", "allocs/op"
	for (i = 1; i <= n; i++) {
		k = order[i]
		printf "%-64s %12s %10s %10s\n", k, best[k], bestB[k] == "" ? "-" : bestB[k], bestA[k] == "" ? "-" : bestA[k]
	}
	# Each size's figure is the median of its runs: CPU time counts the collector's work,
	# which differs from run to run either way, so that the least run of the smaller size
	# would overstate how the cost grows.
	for (k in nsimruns) simcpu[k] = median(simruns, k, nsimruns[k])
	for (k in nplanruns) plancpu[k] = median(planruns, k, nplanruns[k])
	simratio = ""
	for (i = 1; i <= nsim; i++) {
		s = simsizes[i]
		if ((s, "floor") in simcpu && (s, "simulation") in simcpu && simcpu[s, "floor"] > 0) {
			simratio = simcpu[s, "simulation"] / simcpu[s, "floor"]
			printf "policy simulation, %s: simulation %.0f ns, floor %.0f ns of CPU per validate and read: %.4f\n", s, simcpu[s, "simulation"], simcpu[s, "floor"], simratio
			largest = s
		}
	}
	if (simratio != "") {
		first = simsizes[1]
		if (largest != first && simcpu[first, "simulation"] > 0)
			printf "policy simulation, %s against %s: %.4f\n", largest, first, simcpu[largest, "simulation"] / simcpu[first, "simulation"]
		printf "simulation_vs_floor: %.4f\n", simratio
	}
	planratio = ""
	for (i = 1; i <= nplan; i++) {
		s = plansizes[i]
		if (plancpu[s, "terraform"] > 0) {
			r = plancpu[s, "provider"] / plancpu[s, "terraform"]
			printf "terraform plan, %s: provider %.0f ns, Terraform %.0f ns of CPU: %.4f\n", s, plancpu[s, "provider"], plancpu[s, "terraform"], r
			if (i == 1) planratio = r
		}
	}
	if (planratio != "") {
		if (nplan > 1 && plancpu[plansizes[1], "provider"] > 0)
			printf "terraform plan, %s against %s (provider): %.4f\n", plansizes[nplan], plansizes[1], plancpu[plansizes[nplan], "provider"] / plancpu[plansizes[1], "provider"]
		printf "plan_provider_vs_terraform: %.4f\n", planratio
	}
	if (nbudget > 0) {
		printf "analysis budget, adversarial question: %.0f representative requests per second of CPU, %.3f s of CPU at the default budget\n", median(budgetruns, "rps", nbudget), median(budgetruns, "cpu", nbudget) / 1e9
		printf "analysis_requests_per_cpu_second: %.0f\n", median(budgetruns, "rps", nbudget)
	}
	if (ndecided > 0) {
		printf "analysis, adversarial question decided by parts: %.6f s of CPU, %.0f representative requests\n", median(decidedruns, "cpu", ndecided) / 1e9, median(decidedruns, "rop", ndecided)
		printf "analysis_adversarial_decided_cpu_seconds: %.6f\n", median(decidedruns, "cpu", ndecided) / 1e9
	}
	ratio = ""
	for (i = 1; i <= nsizes; i++) {
		s = sizes[i]
		if ((s, "imspolicy") in nsop && (s, "cedar") in nsop && nsop[s, "cedar"] > 0) {
			r = nsop[s, "imspolicy"] / nsop[s, "cedar"]
			printf "vs cedar-go, %s: imspolicy %s ns, cedar-go %s ns per request: %.4f\n", s, nsop[s, "imspolicy"], nsop[s, "cedar"], r
			if (s == headline) ratio = r
		}
	}
	if (ratio == "") {
		print "bench/table.awk: no BenchmarkVsCedar/" headline "/imspolicy and /cedar pair in the output" > "/dev/stderr"
		exit 1
	}
	printf "ratio_vs_cedar: %.4f\n", ratio
}

# median is the median of the n runs a[k, 1..n].
function median(a, k, n,    v, i, j, t) {
	for (i = 1; i <= n; i++) v[i] = a[k, i]
	for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
