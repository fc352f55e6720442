# Reads `go test -bench -benchmem` output (any -count) and prints a table with the fastest
# run of each benchmark, the ratio of the provider's evaluator to cedar-go for each policy
# set size of BenchmarkVsCedar, and last `ratio_vs_cedar: <ours/cedar>` for the headline
# pair, the 10-statement set (the smallest, where the evaluator's index helps least).
# Before that, the plan-scale section: BenchmarkPolicySimulation's data source against its
# floor (the same schema, a Read that only decodes the configuration) at each number of
# requests, by CPU time per op (cpu-ns/op, the median of the runs; ns/op when absent), how
# the simulation grows from the smallest size to the largest, and last
# `simulation_vs_floor: <simulation/floor at the largest size>`.
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
	ns = bytes = allocs = cpu = ""
	for (i = 3; i < NF; i++) {
		if ($(i + 1) == "ns/op") ns = $i
		else if ($(i + 1) == "cpu-ns/op") cpu = $i
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
	for (k in nsimruns) {
		m = nsimruns[k]
		for (a = 1; a <= m; a++) v[a] = simruns[k, a]
		for (a = 2; a <= m; a++) for (b = a; b > 1 && v[b - 1] > v[b]; b--) { t = v[b]; v[b] = v[b - 1]; v[b - 1] = t }
		simcpu[k] = m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
	}
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
